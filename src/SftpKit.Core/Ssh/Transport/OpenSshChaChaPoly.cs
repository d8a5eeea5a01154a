using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using SftpKit.Ssh.Transport.OpenSsl;
using BclChaCha20Poly1305 = System.Security.Cryptography.ChaCha20Poly1305;

namespace SftpKit.Ssh.Transport;

/// <summary>Which implementation routes <see cref="OpenSshChaChaPoly"/> may take; each falls back when unavailable.</summary>
[Flags]
internal enum ChaChaPolyRoutes
{
    /// <summary>BouncyCastle's public API only: the payload through ChaCha7539Engine, new parameter objects per packet.</summary>
    PublicBouncyCastle = 0,

    /// <summary>Payload keystream from the BCL's <see cref="BclChaCha20Poly1305"/> (OpenSSL) when it is supported.</summary>
    BclPayload = 1,

    /// <summary>Re-nonce the block-0 engines and re-key Poly1305 in place (no allocation) when the pinned BouncyCastle allows it.</summary>
    InPlaceRekey = 2,

    /// <summary>
    /// Everything from libcrypto (raw ChaCha20 and the POLY1305 EVP_MAC, see <see cref="OpenSslChaChaPoly"/>) when it
    /// is the BCL's own OpenSSL 3; takes precedence over the other routes, which remain the fallback.
    /// </summary>
    OpenSsl = 4,

    Fastest = BclPayload | InPlaceRekey | OpenSsl,
}

/// <summary>
/// The chacha20-poly1305@openssh.com construction (OpenSSH PROTOCOL.chacha20poly1305), shared by sealer and opener.
/// It is not RFC 8439 AEAD: two ChaCha20 instances, K_2 (first 32 key bytes) for the payload and K_1 (last 32) for the
/// 4-byte length; the nonce is the 64-bit big-endian sequence number; the Poly1305 key is keystream block 0 of K_2,
/// the payload uses blocks 1 onwards, and the tag covers encrypted length || encrypted payload with no padding or
/// length block.
/// </summary>
/// <remarks>
/// <para>Where libcrypto 3 is the BCL's crypto library (Linux), all three primitives come from it through
/// <see cref="OpenSslChaChaPoly"/>, as in OpenSSH's own libcrypto build; the rest of this class is the fallback.</para>
/// <para>Every ChaCha20 here is the RFC 8439 layout (32-bit counter, 96-bit nonce) with nonce 0x00000000 || uint64
/// sequence: the first nonce word then sits where the original ChaCha keeps the high counter word, which OpenSSH never
/// advances past zero for packets under 256 GiB, so both layouts produce the same keystream.</para>
/// <para>The payload (blocks 1 onwards of K_2) is the ciphertext of the BCL's RFC 8439 <c>ChaCha20Poly1305.Encrypt</c>,
/// which starts at block counter 1; its own tag is discarded. Because ChaCha20 is a plain XOR, "encrypting" ciphertext
/// yields plaintext, so opening uses Encrypt too (Decrypt would demand the RFC 8439 tag, which the wire does not carry).
/// Block 0 of K_1 (length) and of K_2 (Poly1305 key) cannot come from the BCL, so they use BouncyCastle's
/// ChaCha7539Engine, and the tag BouncyCastle's Poly1305 — the bottleneck of the whole construction.</para>
/// </remarks>
internal sealed class OpenSshChaChaPoly : IDisposable
{
    public const int KeyLength = 64;
    public const int TagLength = 16;

    private const int BlockLength = 64;

    private static readonly byte[] ZeroBlock = new byte[BlockLength];

    private readonly OpenSslChaChaPoly? _openSsl;
    private readonly BclChaCha20Poly1305? _bclPayload;
    private readonly ChaCha7539Engine _payload = new();
    private readonly ChaCha7539Engine _length = new();
    private readonly Poly1305 _poly = new();
    private readonly KeyParameter? _polyKey;
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _block0 = new byte[BlockLength];
    private bool _disposed;

    public OpenSshChaChaPoly(ReadOnlySpan<byte> key, ChaChaPolyRoutes routes = ChaChaPolyRoutes.Fastest)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"chacha20-poly1305@openssh.com needs a {KeyLength}-byte key.", nameof(key));
        }
        if ((routes & ChaChaPolyRoutes.OpenSsl) != 0)
        {
            _openSsl = OpenSslChaChaPoly.TryCreate(key);
            if (_openSsl is not null)
            {
                return; // the fallback engines stay unkeyed: nothing of the key is held twice
            }
        }
        _payload.Init(true, new ParametersWithIV(new KeyParameter(key[..32]), _nonce));
        _length.Init(true, new ParametersWithIV(new KeyParameter(key[32..]), _nonce));
        if ((routes & ChaChaPolyRoutes.BclPayload) != 0 && BclChaCha20Poly1305.IsSupported)
        {
            _bclPayload = new BclChaCha20Poly1305(key[..32]);
        }
        if ((routes & ChaChaPolyRoutes.InPlaceRekey) != 0 && BouncyCastleInPlace.IsAvailable)
        {
            _polyKey = new KeyParameter(new byte[32]);
        }
    }

    /// <summary>True when ChaCha20 and Poly1305 both come from libcrypto directly.</summary>
    public bool UsesOpenSsl => _openSsl is not null;

    /// <summary>True when the payload keystream comes from the BCL rather than BouncyCastle (fallback route).</summary>
    public bool UsesBclPayload => _bclPayload is not null;

    /// <summary>True when per-packet re-nonce and Poly1305 re-key allocate nothing.</summary>
    public bool RekeysInPlace => _polyKey is not null;

    /// <summary>XORs the 4-byte packet_length with K_1 keystream block 0 for <paramref name="sequence"/>.</summary>
    public void CryptLength(uint sequence, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_openSsl is not null)
        {
            _openSsl.CryptLength(sequence, input, output);
            return;
        }
        Restart(_length, sequence);
        _length.ProcessBytes(input[..4], output[..4]);
    }

    /// <summary>XORs payload bytes with K_2 keystream blocks 1 onwards for <paramref name="sequence"/>.</summary>
    /// <remarks><paramref name="input"/> and <paramref name="output"/> must be the same memory or not overlap.</remarks>
    public void CryptPayload(uint sequence, ReadOnlySpan<byte> input, Span<byte> output)
    {
        output = output[..input.Length];
        if (_openSsl is not null)
        {
            _openSsl.CryptPayload(sequence, input, output);
            return;
        }
        if (_bclPayload is not null)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), sequence);
            Span<byte> discardedTag = stackalloc byte[16];
            _bclPayload.Encrypt(_nonce, input, output, discardedTag);
            return;
        }
        Restart(_payload, sequence);
        Span<byte> skipped = stackalloc byte[BlockLength];
        _payload.ProcessBytes(ZeroBlock, skipped);
        CryptographicOperations.ZeroMemory(skipped);
        _payload.ProcessBytes(input, output);
    }

    /// <summary>Poly1305 over the packet as sent, keyed by K_2 keystream block 0 for <paramref name="sequence"/>.</summary>
    public void ComputeTag(uint sequence, ReadOnlySpan<byte> sentPacket, Span<byte> tag)
    {
        if (_openSsl is not null)
        {
            _openSsl.ComputeTag(sequence, sentPacket, tag);
            return;
        }
        Restart(_payload, sequence);
        _payload.ProcessBytes(ZeroBlock, _block0);
        if (_polyKey is not null)
        {
            var polyKey = BouncyCastleInPlace.KeyBytes(_polyKey);
            _block0.AsSpan(0, 32).CopyTo(polyKey);
            _poly.Init(_polyKey);
            CryptographicOperations.ZeroMemory(polyKey);
        }
        else
        {
            // KeyParameter copies; without in-place re-keying BouncyCastle cannot key Poly1305 from a span otherwise.
            _poly.Init(new KeyParameter(_block0, 0, 32));
        }
        CryptographicOperations.ZeroMemory(_block0);
        _poly.BlockUpdate(sentPacket);
        _poly.DoFinal(tag[..TagLength]);
    }

    private void Restart(ChaCha7539Engine engine, uint sequence)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), sequence);
        if (_polyKey is not null)
        {
            BouncyCastleInPlace.SetNonce(engine, _nonce);
        }
        else
        {
            // A null key parameter keeps the expanded key and only resets nonce and counter.
            engine.Init(true, new ParametersWithIV(null, _nonce));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_openSsl is not null)
        {
            _openSsl.Dispose();
            return;
        }
        _bclPayload?.Dispose();
        // BouncyCastle keeps the key inside the engine state; re-keying with zeros is the public way to overwrite it.
        var zeroKey = new KeyParameter(new byte[32]);
        _payload.Init(true, new ParametersWithIV(zeroKey, _nonce));
        _length.Init(true, new ParametersWithIV(zeroKey, _nonce));
        _poly.Init(zeroKey);
        CryptographicOperations.ZeroMemory(_block0);
    }

    /// <summary>
    /// Allocation-free access to two BouncyCastle 2.x internals: the ChaCha engine's state words (so a new nonce is
    /// written in place of the <c>new ParametersWithIV</c> + IV clone that <c>Init</c> costs, 112 B per call) and a
    /// KeyParameter's key array (so one KeyParameter is refilled per packet instead of a new 80 B one).
    /// </summary>
    /// <remarks>
    /// These are private details of the pinned BouncyCastle version, so <see cref="IsAvailable"/> checks once, against
    /// the public API, that they still behave as expected; if not (fields renamed, layout changed) the public,
    /// allocating path is used instead.
    /// </remarks>
    private static class BouncyCastleInPlace
    {
        public static readonly bool IsAvailable = Probe();

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "engineState")]
        private static extern ref uint[] EngineState(Salsa20Engine engine);

        [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_key")]
        private static extern ref byte[] KeyArray(KeyParameter key);

        public static Span<byte> KeyBytes(KeyParameter key) => KeyArray(key);

        /// <summary>Same effect as <c>Init(true, new ParametersWithIV(null, nonce))</c>: RFC 8439 state words 13–15 hold the nonce.</summary>
        public static void SetNonce(ChaCha7539Engine engine, ReadOnlySpan<byte> nonce)
        {
            var state = EngineState(engine);
            state[13] = BinaryPrimitives.ReadUInt32LittleEndian(nonce);
            state[14] = BinaryPrimitives.ReadUInt32LittleEndian(nonce[4..]);
            state[15] = BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]);
            engine.Reset(); // block counter (word 12) and keystream position back to zero
        }

        private static bool Probe()
        {
            try
            {
                var key = new byte[32];
                var nonce = new byte[12];
                for (int i = 0; i < key.Length; i++)
                {
                    key[i] = (byte)(0xA5 ^ (i * 29));
                }
                for (int i = 0; i < nonce.Length; i++)
                {
                    nonce[i] = (byte)(0x3C + i * 17);
                }

                var expectedBlock = new byte[BlockLength];
                var reference = new ChaCha7539Engine();
                reference.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
                reference.ProcessBytes(ZeroBlock, expectedBlock);

                var actualBlock = new byte[BlockLength];
                var engine = new ChaCha7539Engine();
                engine.Init(true, new ParametersWithIV(new KeyParameter(key), new byte[12]));
                engine.ProcessBytes(ZeroBlock.AsSpan(0, 7), actualBlock.AsSpan(0, 7)); // leave it mid-block
                if (EngineState(engine) is not { Length: 16 })
                {
                    return false;
                }
                SetNonce(engine, nonce);
                engine.ProcessBytes(ZeroBlock, actualBlock);
                if (!actualBlock.AsSpan().SequenceEqual(expectedBlock))
                {
                    return false;
                }

                var message = expectedBlock.AsSpan(0, 37);
                var expectedTag = new byte[TagLength];
                var poly = new Poly1305();
                poly.Init(new KeyParameter(expectedBlock, 0, 32));
                poly.BlockUpdate(message);
                poly.DoFinal(expectedTag);

                var reused = new KeyParameter(new byte[32]);
                if (KeyArray(reused) is not { Length: 32 })
                {
                    return false;
                }
                expectedBlock.AsSpan(0, 32).CopyTo(KeyBytes(reused));
                var actualTag = new byte[TagLength];
                poly.Init(reused);
                poly.BlockUpdate(message);
                poly.DoFinal(actualTag);
                return actualTag.AsSpan().SequenceEqual(expectedTag);
            }
            catch (Exception e) when (e is MissingFieldException or MissingMemberException or InvalidCastException)
            {
                return false;
            }
        }
    }
}
