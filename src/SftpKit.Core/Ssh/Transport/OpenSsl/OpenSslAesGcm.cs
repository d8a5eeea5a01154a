using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport.OpenSsl;

/// <summary>
/// AES-GCM for one direction on one EVP_CIPHER_CTX keyed once: per packet only the 12-byte IV is set, then AAD,
/// one in-place update, final and the tag. The same shape as the BCL's <see cref="AesGcm"/> on OpenSSL, minus its
/// per-call IV-length control, error-queue clearing and argument checks.
/// </summary>
internal sealed class OpenSslAesGcm : IDisposable
{
    public const int NonceLength = 12;
    public const int TagLength = 16;

    private readonly EvpCipherContextHandle _context;
    private readonly int _encrypt;

    private OpenSslAesGcm(nint cipher, ReadOnlySpan<byte> key, bool encrypt)
    {
        _encrypt = encrypt ? 1 : 0;
        _context = EvpCipherContextHandle.Create();
        try
        {
            LibCrypto.Check(
                LibCrypto.EVP_CipherInit_ex2_Key(_context, cipher, ref MemoryMarshal.GetReference(key), 0, _encrypt, 0) == 1,
                "EVP_CipherInit_ex2");
        }
        catch
        {
            _context.Dispose();
            throw;
        }
    }

    /// <summary>A context for sealing (<paramref name="encrypt"/>) or opening, or null when libcrypto is not usable.</summary>
    public static OpenSslAesGcm? TryCreate(ReadOnlySpan<byte> key, bool encrypt)
    {
        nint cipher = LibCrypto.AesGcm(key.Length);
        if (cipher == 0)
        {
            return null;
        }
        try
        {
            return new OpenSslAesGcm(cipher, key, encrypt);
        }
        catch (Exception e) when (e is CryptographicException or EntryPointNotFoundException)
        {
            return null; // the BCL's AesGcm serves instead
        }
    }

    /// <summary>Encrypts <paramref name="input"/> into <paramref name="output"/> (the same memory or disjoint) and writes the 16-byte tag.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        Start(nonce, associatedData);
        Update(input, output);
        Span<byte> none = stackalloc byte[16];
        LibCrypto.Check(LibCrypto.EVP_CipherFinal_ex(_context, ref MemoryMarshal.GetReference(none), out _) == 1, "EVP_CipherFinal_ex");
        LibCrypto.Check(
            LibCrypto.EVP_CIPHER_CTX_ctrl(_context, LibCrypto.EvpCtrlAeadGetTag, TagLength, ref MemoryMarshal.GetReference(tag[..TagLength])) == 1,
            "EVP_CIPHER_CTX_ctrl");
    }

    /// <summary>Decrypts <paramref name="input"/> into <paramref name="output"/>; on a tag mismatch zeroes the output and returns false.</summary>
    public bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        Start(nonce, associatedData);
        Update(input, output);
        LibCrypto.Check(
            LibCrypto.EVP_CIPHER_CTX_ctrl(_context, LibCrypto.EvpCtrlAeadSetTag, TagLength, ref MemoryMarshal.GetReference(tag[..TagLength])) == 1,
            "EVP_CIPHER_CTX_ctrl");
        Span<byte> none = stackalloc byte[16];
        if (LibCrypto.EVP_CipherFinal_ex(_context, ref MemoryMarshal.GetReference(none), out _) == 1)
        {
            return true;
        }
        LibCrypto.ERR_clear_error();
        CryptographicOperations.ZeroMemory(output[..input.Length]);
        return false;
    }

    public void Dispose() => _context.Dispose();

    private void Start(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"AES-GCM needs a {NonceLength}-byte nonce.", nameof(nonce));
        }
        LibCrypto.Check(
            LibCrypto.EVP_CipherInit_ex2_Iv(_context, 0, 0, ref MemoryMarshal.GetReference(nonce), _encrypt, 0) == 1,
            "EVP_CipherInit_ex2");
        if (!associatedData.IsEmpty)
        {
            LibCrypto.Check(
                LibCrypto.EVP_CipherUpdate_Aad(_context, 0, out _, ref MemoryMarshal.GetReference(associatedData), associatedData.Length) == 1,
                "EVP_CipherUpdate");
        }
    }

    private void Update(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty)
        {
            return;
        }
        output = output[..input.Length];
        int result = LibCrypto.EVP_CipherUpdate(
            _context, ref MemoryMarshal.GetReference(output), out int written, ref MemoryMarshal.GetReference(input), input.Length);
        LibCrypto.Check(result == 1 && written == input.Length, "EVP_CipherUpdate");
    }
}
