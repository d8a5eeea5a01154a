using System.Buffers;
using System.Buffers.Binary;

namespace SftpKit.Sftp;

/// <summary>
/// Frames <c>uint32 length || byte type || uint32 id || payload</c> from pipe input with the Try pattern: returns
/// false and consumes nothing while a packet is incomplete, and checks the length against the limit before buffering.
/// </summary>
internal static class SftpPacketReader
{
    /// <summary>Largest packet accepted (the length field): 256 KiB of data plus room for the request header.</summary>
    public const int MaxPacketLength = (256 * 1024) + 1024;

    /// <summary>Type byte plus the uint32 id (or version).</summary>
    private const int MinPacketLength = 5;

    /// <exception cref="SftpProtocolException">The length is below 5 bytes or above <see cref="MaxPacketLength"/>.</exception>
    public static bool TryReadPacket(ref ReadOnlySequence<byte> buffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SftpPacket? packet)
    {
        packet = null;
        if (buffer.Length < 4)
        {
            return false;
        }
        Span<byte> lengthBytes = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(lengthBytes);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(lengthBytes);
        if (length > MaxPacketLength)
        {
            throw new SftpProtocolException("Packet too long.");
        }
        if (length < MinPacketLength)
        {
            throw new SftpProtocolException("Packet too short.");
        }
        if (buffer.Length < 4 + length)
        {
            return false;
        }
        var reader = new SequenceReader<byte>(buffer.Slice(4, length));
        reader.TryRead(out byte type);
        reader.TryReadBigEndian(out int id);
        int payloadLength = (int)length - MinPacketLength;
        byte[] payload = ArrayPool<byte>.Shared.Rent(Math.Max(payloadLength, 1));
        reader.UnreadSequence.CopyTo(payload);
        packet = new SftpPacket((SftpPacketType)type, unchecked((uint)id), payload, payloadLength);
        buffer = buffer.Slice(4 + length);
        return true;
    }
}
