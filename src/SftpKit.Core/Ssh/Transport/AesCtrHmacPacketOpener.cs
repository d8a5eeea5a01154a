using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// Opens aes*-ctr packets protected by an HMAC; see <see cref="AesCtrHmacPacketSealer"/>. For -etm the MAC is checked
/// before any decryption. For encrypt-and-MAC the length is itself encrypted, so <see cref="DecryptLength"/> must
/// decrypt the first cipher block; that block is kept here and reused by <see cref="Open"/>, because the CTR keystream
/// cannot be rewound.
/// </summary>
internal sealed class AesCtrHmacPacketOpener : IPacketOpener
{
    private const int CipherBlock = 16;

    private readonly AesCtrKeystream _keystream;
    private readonly PacketMac _mac;
    private readonly bool _encryptThenMac;
    private readonly byte[] _firstBlock = new byte[CipherBlock];
    private bool _haveFirstBlock;

    public AesCtrHmacPacketOpener(AesCtrKeystream keystream, PacketMac mac, bool encryptThenMac)
    {
        _keystream = keystream;
        _mac = mac;
        _encryptThenMac = encryptThenMac;
    }

    public int BlockSize => CipherBlock;

    public int TagLength => _mac.TagLength;

    public bool LengthExcludedFromAlignment => _encryptThenMac;

    public int FirstBlockLength => _encryptThenMac ? 4 : CipherBlock;

    public uint DecryptLength(uint sequence, ReadOnlySpan<byte> firstBlock)
    {
        if (_encryptThenMac)
        {
            return BinaryPrimitives.ReadUInt32BigEndian(firstBlock);
        }
        if (!_haveFirstBlock)
        {
            _keystream.Transform(firstBlock[..CipherBlock], _firstBlock);
            _haveFirstBlock = true;
        }
        return BinaryPrimitives.ReadUInt32BigEndian(_firstBlock);
    }

    public bool Open(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckTag(tag, TagLength, nameof(tag));
        return _encryptThenMac ? OpenEncryptThenMac(sequence, packet, tag, plaintext) : OpenEncryptAndMac(sequence, packet, tag, plaintext);
    }

    private bool OpenEncryptThenMac(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckOpenArguments(packet, plaintext, minimumPacket: 4);
        _mac.Begin(sequence);
        _mac.Append(packet);
        if (!_mac.FinishAndVerify(tag))
        {
            return false;
        }
        _keystream.Transform(packet[4..], plaintext[..(packet.Length - 4)]);
        return true;
    }

    private bool OpenEncryptAndMac(uint sequence, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        PacketSpans.CheckOpenArguments(packet, plaintext, minimumPacket: CipherBlock);
        if (!_haveFirstBlock)
        {
            DecryptLength(sequence, packet);
        }
        _haveFirstBlock = false;

        var body = plaintext[..(packet.Length - 4)];
        _firstBlock.AsSpan(4).CopyTo(body);
        _keystream.Transform(packet[CipherBlock..], body[(CipherBlock - 4)..]);

        _mac.Begin(sequence);
        _mac.Append(_firstBlock.AsSpan(0, 4));
        _mac.Append(body);
        bool ok = _mac.FinishAndVerify(tag);
        CryptographicOperations.ZeroMemory(_firstBlock);
        if (!ok)
        {
            // The keystream is already consumed, but a MAC failure is fatal to the connection anyway.
            CryptographicOperations.ZeroMemory(body);
        }
        return ok;
    }

    public void Dispose()
    {
        _keystream.Dispose();
        _mac.Dispose();
        CryptographicOperations.ZeroMemory(_firstBlock);
    }
}
