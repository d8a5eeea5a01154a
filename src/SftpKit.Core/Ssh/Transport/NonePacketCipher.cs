using System.Buffers.Binary;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The "none" cipher and MAC in force before the first NEWKEYS (RFC 4253 §6.3): packets travel in clear, aligned to
/// 8 bytes including the length field.
/// </summary>
internal sealed class NonePacketSealer : IPacketSealer
{
    public int BlockSize => 8;

    public int TagLength => 0;

    public bool LengthExcludedFromAlignment => false;

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>Reads clear-text packets before the first NEWKEYS; see <see cref="NonePacketSealer"/>.</summary>
internal sealed class NonePacketOpener : IPacketOpener
{
    public int BlockSize => 8;

    public int TagLength => 0;

    public bool LengthExcludedFromAlignment => false;

    public int FirstBlockLength => 4;

    public uint DecryptLength(uint sequence, ReadOnlySpan<byte> firstBlock) => BinaryPrimitives.ReadUInt32BigEndian(firstBlock);

    public bool Open(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckOpenArguments(packet, plaintext, minimumPacket: 4);
        packet[4..].CopyTo(plaintext);
        return true;
    }

    public void Dispose()
    {
    }
}
