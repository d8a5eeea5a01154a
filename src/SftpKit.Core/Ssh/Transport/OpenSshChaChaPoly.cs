using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The chacha20-poly1305@openssh.com construction (OpenSSH PROTOCOL.chacha20poly1305), shared by sealer and opener.
/// It is not RFC 8439 AEAD: two ChaCha20 instances, K_2 (first 32 key bytes) for the payload and K_1 (last 32) for the
/// 4-byte length; the nonce is the 64-bit big-endian sequence number; the Poly1305 key is keystream block 0 of K_2,
/// the payload uses blocks 1 onwards, and the tag covers encrypted length || encrypted payload with no padding or
/// length block.
/// </summary>
/// <remarks>
/// BouncyCastle's ChaCha7539Engine (32-bit counter, 96-bit nonce) is used with nonce 0x00000000 || uint64 sequence:
/// the first nonce word then sits where the original ChaCha keeps the high counter word, which OpenSSH never advances
/// past zero for packets under 256 GiB, so both layouts produce the same keystream.
/// </remarks>
internal sealed class OpenSshChaChaPoly : IDisposable
{
    public const int KeyLength = 64;
    public const int TagLength = 16;

    private static readonly byte[] ZeroBlock = new byte[64];

    private readonly ChaCha7539Engine _payload = new();
    private readonly ChaCha7539Engine _length = new();
    private readonly Poly1305 _poly = new();
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _block0 = new byte[64];
    private bool _disposed;

    public OpenSshChaChaPoly(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"chacha20-poly1305@openssh.com needs a {KeyLength}-byte key.", nameof(key));
        }
        _payload.Init(true, new ParametersWithIV(new KeyParameter(key[..32]), _nonce));
        _length.Init(true, new ParametersWithIV(new KeyParameter(key[32..]), _nonce));
    }

    /// <summary>XORs the 4-byte packet_length with K_1 keystream block 0 for <paramref name="sequence"/>.</summary>
    public void CryptLength(uint sequence, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Restart(_length, sequence);
        _length.ProcessBytes(input[..4], output[..4]);
    }

    /// <summary>Positions the payload keystream at block 1 for <paramref name="sequence"/> and keeps block 0 as the Poly1305 key.</summary>
    public void BeginPacket(uint sequence)
    {
        Restart(_payload, sequence);
        _payload.ProcessBytes(ZeroBlock, _block0);
    }

    /// <summary>XORs payload bytes with the K_2 keystream, continuing from where the previous call stopped.</summary>
    public void CryptPayload(ReadOnlySpan<byte> input, Span<byte> output) => _payload.ProcessBytes(input, output);

    /// <summary>Poly1305 over the packet as sent, keyed by the block 0 saved in <see cref="BeginPacket"/>.</summary>
    public void ComputeTag(ReadOnlySpan<byte> sentPacket, Span<byte> tag)
    {
        // KeyParameter copies; BouncyCastle has no way to key Poly1305 from a span without it.
        _poly.Init(new KeyParameter(_block0, 0, 32));
        _poly.BlockUpdate(sentPacket);
        _poly.DoFinal(tag);
        CryptographicOperations.ZeroMemory(_block0);
    }

    private void Restart(ChaCha7539Engine engine, uint sequence)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), sequence);
        // A null key parameter keeps the expanded key and only resets nonce and counter.
        engine.Init(true, new ParametersWithIV(null, _nonce));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        // BouncyCastle keeps the key inside the engine state; re-keying with zeros is the only way to overwrite it.
        var zeroKey = new KeyParameter(new byte[32]);
        _payload.Init(true, new ParametersWithIV(zeroKey, _nonce));
        _length.Init(true, new ParametersWithIV(zeroKey, _nonce));
        _poly.Init(zeroKey);
        CryptographicOperations.ZeroMemory(_block0);
    }
}
