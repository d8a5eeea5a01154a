using System.Buffers;

namespace SftpKit.Ssh.Transport;

/// <summary>What an outbound message means to the writer loop beyond its bytes.</summary>
internal enum OutboundKind : byte
{
    /// <summary>Ordinary message: held back while a key exchange is in progress.</summary>
    Normal,
    /// <summary>CHANNEL_DATA that holds a data slot (back-pressure) until written.</summary>
    ChannelData,
    /// <summary>Our KEXINIT: from here until NEWKEYS only key-exchange messages go out.</summary>
    KexInit,
    /// <summary>Key-exchange message other than KEXINIT and NEWKEYS.</summary>
    Kex,
    /// <summary>NEWKEYS: written with the old keys, then the new sealer takes over.</summary>
    NewKeys,
    /// <summary>DISCONNECT: written at once, then the writer stops.</summary>
    Disconnect,
}

/// <summary>One queued message: a payload in a pooled buffer that the writer loop returns after writing.</summary>
internal readonly struct OutboundMessage
{
    public OutboundMessage(byte[] buffer, int length, OutboundKind kind, IPacketSealer? nextSealer = null)
    {
        Buffer = buffer;
        Length = length;
        Kind = kind;
        NextSealer = nextSealer;
    }

    public byte[] Buffer { get; }
    public int Length { get; }
    public OutboundKind Kind { get; }
    public IPacketSealer? NextSealer { get; }

    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);

    public static OutboundMessage Copy(ReadOnlySpan<byte> payload, OutboundKind kind, IPacketSealer? nextSealer = null)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(payload.Length, 16));
        payload.CopyTo(buffer);
        return new OutboundMessage(buffer, payload.Length, kind, nextSealer);
    }

    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
