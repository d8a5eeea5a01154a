using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>Seals packets with chacha20-poly1305@openssh.com; see <see cref="OpenSshChaChaPoly"/>.</summary>
internal sealed class ChaCha20Poly1305PacketSealer : IPacketSealer
{
    private readonly OpenSshChaChaPoly _cipher;

    public ChaCha20Poly1305PacketSealer(ReadOnlySpan<byte> key, ChaChaPolyRoutes routes = ChaChaPolyRoutes.Fastest) =>
        _cipher = new OpenSshChaChaPoly(key, routes);

    internal OpenSshChaChaPoly Construction => _cipher;

    public int BlockSize => 8;

    public int TagLength => OpenSshChaChaPoly.TagLength;

    // OpenSSH pads AEAD packets as if the length were additional data (packet.c, aadlen).
    public bool LengthExcludedFromAlignment => true;

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        PacketSpans.CheckTag(tag, TagLength, nameof(tag));
        _cipher.CryptLength(sequence, packet, packet);
        _cipher.CryptPayload(sequence, packet[4..], packet[4..]);
        _cipher.ComputeTag(sequence, packet, tag);
    }

    public void Dispose() => _cipher.Dispose();
}

/// <summary>Opens chacha20-poly1305@openssh.com packets, verifying the tag before any payload is decrypted.</summary>
internal sealed class ChaCha20Poly1305PacketOpener : IPacketOpener
{
    private readonly OpenSshChaChaPoly _cipher;

    public ChaCha20Poly1305PacketOpener(ReadOnlySpan<byte> key, ChaChaPolyRoutes routes = ChaChaPolyRoutes.Fastest) =>
        _cipher = new OpenSshChaChaPoly(key, routes);

    internal OpenSshChaChaPoly Construction => _cipher;

    public int BlockSize => 8;

    public int TagLength => OpenSshChaChaPoly.TagLength;

    public bool LengthExcludedFromAlignment => true;

    public int FirstBlockLength => 4;

    public uint DecryptLength(uint sequence, ReadOnlySpan<byte> firstBlock)
    {
        Span<byte> length = stackalloc byte[4];
        _cipher.CryptLength(sequence, firstBlock, length);
        return BinaryPrimitives.ReadUInt32BigEndian(length);
    }

    public bool Open(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckOpenArguments(packet, plaintext, minimumPacket: 4);
        PacketSpans.CheckTag(tag, TagLength, nameof(tag));
        Span<byte> expected = stackalloc byte[OpenSshChaChaPoly.TagLength];
        _cipher.ComputeTag(sequence, packet, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag[..TagLength]))
        {
            return false;
        }
        _cipher.CryptPayload(sequence, packet[4..], plaintext[..(packet.Length - 4)]);
        return true;
    }

    public void Dispose() => _cipher.Dispose();
}
