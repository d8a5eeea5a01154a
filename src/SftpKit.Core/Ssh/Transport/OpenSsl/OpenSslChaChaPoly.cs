using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace SftpKit.Ssh.Transport.OpenSsl;

/// <summary>
/// The three primitives of chacha20-poly1305@openssh.com straight from libcrypto: raw ChaCha20 ("ChaCha20" EVP_CIPHER)
/// for the length, the Poly1305 key and the payload, and OpenSSL's own Poly1305 ("POLY1305" EVP_MAC) for the tag. This
/// is what OpenSSH's cipher-chachapoly-libcrypto.c does; see <see cref="OpenSshChaChaPoly"/> for the construction.
/// </summary>
/// <remarks>
/// <para>OpenSSL's ChaCha20 IV is 16 bytes: the block counter as a little-endian 32-bit word, then the 96-bit nonce
/// (EVP_chacha20(3); the state words 12–15 are the IV's four little-endian words, and since 3.0 the counter carries
/// into word 13). With IV = counter || 0x00000000 || uint64 big-endian sequence number this is exactly the original
/// ChaCha layout OpenSSH uses (64-bit counter, 64-bit nonce = sequence number), for any packet size.</para>
/// <para>Each cipher context is keyed once; per packet only the IV is set (EVP_CipherInit_ex2 with no cipher and no
/// key keeps the expanded key) and the Poly1305 context is re-keyed with EVP_MAC_init. Nothing is allocated per
/// packet. <see cref="IsSupported"/> also checks, once per process, that keystream and tag equal BouncyCastle's, so a
/// libcrypto that laid out the IV differently would be refused rather than silently interoperate with nobody.</para>
/// </remarks>
internal sealed class OpenSslChaChaPoly : IDisposable
{
    private const int IvLength = 16;
    private const int PolyKeyLength = 32;

    private static readonly Lazy<bool> Supported = new(SelfTest);

    private readonly EvpCipherContextHandle _payload;
    private readonly EvpCipherContextHandle _length;
    private readonly EvpMacContextHandle _poly;

    private OpenSslChaChaPoly(ReadOnlySpan<byte> key)
    {
        _payload = CreateChaCha(key[..32]);
        _length = CreateChaCha(key[32..]);
        _poly = EvpMacContextHandle.Create(LibCrypto.Poly1305);
    }

    /// <summary>True when libcrypto provides ChaCha20 and Poly1305 and they agree with BouncyCastle's.</summary>
    public static bool IsSupported => Supported.Value;

    /// <summary>A construction over the 64-byte key, or null when <see cref="IsSupported"/> is false.</summary>
    public static OpenSslChaChaPoly? TryCreate(ReadOnlySpan<byte> key) => IsSupported ? new OpenSslChaChaPoly(key) : null;

    /// <inheritdoc cref="OpenSshChaChaPoly.CryptLength"/>
    public void CryptLength(uint sequence, ReadOnlySpan<byte> input, Span<byte> output) =>
        Crypt(_length, sequence, counter: 0, input[..4], output[..4]);

    /// <inheritdoc cref="OpenSshChaChaPoly.CryptPayload"/>
    public void CryptPayload(uint sequence, ReadOnlySpan<byte> input, Span<byte> output) =>
        Crypt(_payload, sequence, counter: 1, input, output[..input.Length]);

    /// <inheritdoc cref="OpenSshChaChaPoly.ComputeTag"/>
    public void ComputeTag(uint sequence, ReadOnlySpan<byte> sentPacket, Span<byte> tag)
    {
        Span<byte> polyKey = stackalloc byte[PolyKeyLength];
        polyKey.Clear();
        try
        {
            Crypt(_payload, sequence, counter: 0, polyKey, polyKey);
            LibCrypto.Check(LibCrypto.EVP_MAC_init(_poly, ref MemoryMarshal.GetReference(polyKey), PolyKeyLength, 0) == 1, "EVP_MAC_init");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(polyKey);
        }
        if (!sentPacket.IsEmpty)
        {
            LibCrypto.Check(LibCrypto.EVP_MAC_update(_poly, ref MemoryMarshal.GetReference(sentPacket), (nuint)sentPacket.Length) == 1, "EVP_MAC_update");
        }
        tag = tag[..OpenSshChaChaPoly.TagLength];
        LibCrypto.Check(
            LibCrypto.EVP_MAC_final(_poly, ref MemoryMarshal.GetReference(tag), out nuint written, (nuint)tag.Length) == 1 && written == (nuint)tag.Length,
            "EVP_MAC_final");
    }

    public void Dispose()
    {
        _payload.Dispose();
        _length.Dispose();
        _poly.Dispose();
    }

    private static EvpCipherContextHandle CreateChaCha(ReadOnlySpan<byte> key)
    {
        var context = EvpCipherContextHandle.Create();
        try
        {
            LibCrypto.Check(
                LibCrypto.EVP_CipherInit_ex2_Key(context, LibCrypto.ChaCha20, ref MemoryMarshal.GetReference(key), 0, encrypt: 1, 0) == 1,
                "EVP_CipherInit_ex2");
            return context;
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>XORs <paramref name="input"/> with keystream of (key, sequence) from block <paramref name="counter"/> on.</summary>
    private static void Crypt(EvpCipherContextHandle context, uint sequence, uint counter, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[IvLength];
        BinaryPrimitives.WriteUInt32LittleEndian(iv, counter);
        BinaryPrimitives.WriteUInt32LittleEndian(iv[4..], 0);
        BinaryPrimitives.WriteUInt64BigEndian(iv[8..], sequence);
        LibCrypto.Check(LibCrypto.EVP_CipherInit_ex2_Iv(context, 0, 0, ref MemoryMarshal.GetReference(iv), encrypt: 1, 0) == 1, "EVP_CipherInit_ex2");
        if (input.IsEmpty)
        {
            return;
        }
        int result = LibCrypto.EVP_CipherUpdate(
            context, ref MemoryMarshal.GetReference(output), out int written, ref MemoryMarshal.GetReference(input), input.Length);
        LibCrypto.Check(result == 1 && written == input.Length, "EVP_CipherUpdate");
    }

    /// <summary>
    /// One packet's keystream blocks 0–2 and a tag through libcrypto, compared with BouncyCastle's RFC 8439 ChaCha20
    /// (nonce 0x00000000 || uint64 big-endian sequence) and Poly1305: proves the IV layout and the MAC on this library.
    /// </summary>
    private static bool SelfTest()
    {
        if (LibCrypto.ChaCha20 == 0 || LibCrypto.Poly1305 == 0)
        {
            return false;
        }
        var key = new byte[OpenSshChaChaPoly.KeyLength];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = (byte)(0x5B + i * 13);
        }
        const uint sequence = 0x8A6B4C2Du;
        var nonce = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(4), sequence);

        var expected = new byte[3 * 64];
        var reference = new ChaCha7539Engine();
        reference.Init(true, new ParametersWithIV(new KeyParameter(key, 0, 32), nonce));
        reference.ProcessBytes(new byte[expected.Length], 0, expected.Length, expected, 0);
        var message = expected.AsSpan(64, 77).ToArray();
        var expectedTag = new byte[OpenSshChaChaPoly.TagLength];
        var poly = new Poly1305();
        poly.Init(new KeyParameter(expected, 0, 32));
        poly.BlockUpdate(message);
        poly.DoFinal(expectedTag);

        try
        {
            using var construction = new OpenSslChaChaPoly(key);
            var payload = new byte[2 * 64];
            construction.CryptPayload(sequence, payload, payload);
            var tag = new byte[OpenSshChaChaPoly.TagLength];
            construction.ComputeTag(sequence, message, tag);
            return payload.AsSpan().SequenceEqual(expected.AsSpan(64)) && tag.AsSpan().SequenceEqual(expectedTag);
        }
        catch (Exception e) when (e is CryptographicException or EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a libcrypto that cannot do this packet cannot serve connections either: fall back
        }
    }
}
