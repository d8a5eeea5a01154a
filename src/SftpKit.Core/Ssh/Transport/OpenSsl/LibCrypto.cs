using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport.OpenSsl;

/// <summary>
/// The few libcrypto (OpenSSL 3) calls the packet ciphers make directly: raw ChaCha20 and Poly1305, which the BCL does
/// not expose, and AES-GCM on one context keyed once. Only the library the BCL itself runs on is used: the binding is
/// accepted when its <c>OpenSSL_version_num</c> equals <see cref="SafeEvpPKeyHandle.OpenSslVersion"/>, the version
/// of the libcrypto that System.Security.Cryptography loaded, so the process never mixes two OpenSSL builds.
/// </summary>
/// <remarks>
/// Blittable signatures (<c>ref byte</c>, <c>nint</c>, SafeHandle) through <c>DllImport</c>, because this project
/// keeps unsafe code off (LibraryImport and function pointers need it); the marshalling stubs pin and pass pointers,
/// allocating nothing per call. Algorithm objects are fetched once per process and kept for its lifetime, as
/// OpenSSL's performance notes advise (an implicit fetch per call is what makes the old EVP_chacha20() style slow).
/// </remarks>
internal static class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    public const int EvpCtrlAeadGetTag = 0x10;
    public const int EvpCtrlAeadSetTag = 0x11;

    private static readonly Lazy<bool> Loaded = new(Probe);
    private static readonly Lazy<nint> ChaCha20Cipher = new(() => FetchCipher("ChaCha20\0"u8));
    private static readonly Lazy<nint> Aes128GcmCipher = new(() => FetchCipher("AES-128-GCM\0"u8));
    private static readonly Lazy<nint> Aes256GcmCipher = new(() => FetchCipher("AES-256-GCM\0"u8));
    private static readonly Lazy<nint> Poly1305Mac = new(() => FetchMac("POLY1305\0"u8));

    /// <summary>True when libcrypto 3 is loaded in this process and is the one the BCL uses.</summary>
    public static bool IsAvailable => Loaded.Value;

    /// <summary>The fetched "ChaCha20" EVP_CIPHER (16-byte IV: 32-bit LE counter || 96-bit nonce), or 0.</summary>
    public static nint ChaCha20 => ChaCha20Cipher.Value;

    /// <summary>The fetched "AES-128-GCM" or "AES-256-GCM" EVP_CIPHER for a key of <paramref name="keyLength"/> bytes, or 0.</summary>
    public static nint AesGcm(int keyLength) => keyLength switch
    {
        16 => Aes128GcmCipher.Value,
        32 => Aes256GcmCipher.Value,
        _ => 0,
    };

    /// <summary>The fetched "POLY1305" EVP_MAC, or 0 (OpenSSL 1.1 has no EVP_MAC; a FIPS-only provider has no Poly1305).</summary>
    public static nint Poly1305 => Poly1305Mac.Value;

    /// <summary>Throws for a failed call, after clearing the thread's OpenSSL error queue so no stale error lingers.</summary>
    public static void Check(bool succeeded, string function)
    {
        if (!succeeded)
        {
            ERR_clear_error();
            throw new CryptographicException($"OpenSSL {function} failed.");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
        {
            return false;
        }
        try
        {
            // Reading the BCL's version also makes it load its libcrypto first, so the name below resolves to it.
            long bclVersion = SafeEvpPKeyHandle.OpenSslVersion;
            return bclVersion >= 0x30000000L && (long)OpenSSL_version_num().Value == bclVersion;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <param name="name">NUL-terminated algorithm name.</param>
    private static nint FetchCipher(ReadOnlySpan<byte> name)
    {
        if (!IsAvailable)
        {
            return 0;
        }
        try
        {
            nint cipher = EVP_CIPHER_fetch(0, ref MemoryMarshal.GetReference(name), 0);
            if (cipher == 0)
            {
                ERR_clear_error();
            }
            return cipher;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <inheritdoc cref="FetchCipher"/>
    private static nint FetchMac(ReadOnlySpan<byte> name)
    {
        if (!IsAvailable)
        {
            return 0;
        }
        try
        {
            nint mac = EVP_MAC_fetch(0, ref MemoryMarshal.GetReference(name), 0);
            if (mac == 0)
            {
                ERR_clear_error();
            }
            return mac;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which this project keeps off; these signatures are blittable.
#pragma warning disable CA5392 // The name is resolved by dlopen like the BCL's own load; the version check above rejects any other build.
    [DllImport(Library)]
    private static extern CULong OpenSSL_version_num();

    [DllImport(Library)]
    public static extern void ERR_clear_error();

    [DllImport(Library)]
    private static extern nint EVP_CIPHER_fetch(nint libraryContext, ref byte algorithm, nint properties);

    [DllImport(Library)]
    private static extern nint EVP_MAC_fetch(nint libraryContext, ref byte algorithm, nint properties);

    [DllImport(Library)]
    public static extern EvpCipherContextHandle EVP_CIPHER_CTX_new();

    [DllImport(Library)]
    public static extern void EVP_CIPHER_CTX_free(nint context);

    /// <summary>Sets cipher and key, leaving the IV for later calls.</summary>
    [DllImport(Library, EntryPoint = "EVP_CipherInit_ex2")]
    public static extern int EVP_CipherInit_ex2_Key(EvpCipherContextHandle context, nint cipher, ref byte key, nint iv, int encrypt, nint parameters);

    /// <summary>Sets only the IV (and resets the stream position), keeping cipher and expanded key.</summary>
    [DllImport(Library, EntryPoint = "EVP_CipherInit_ex2")]
    public static extern int EVP_CipherInit_ex2_Iv(EvpCipherContextHandle context, nint cipher, nint key, ref byte iv, int encrypt, nint parameters);

    [DllImport(Library)]
    public static extern int EVP_CipherUpdate(EvpCipherContextHandle context, ref byte output, out int outputLength, ref byte input, int inputLength);

    /// <summary>Feeds additional authenticated data (a null output buffer tells AEAD modes it is AAD).</summary>
    [DllImport(Library, EntryPoint = "EVP_CipherUpdate")]
    public static extern int EVP_CipherUpdate_Aad(EvpCipherContextHandle context, nint output, out int outputLength, ref byte input, int inputLength);

    [DllImport(Library)]
    public static extern int EVP_CipherFinal_ex(EvpCipherContextHandle context, ref byte output, out int outputLength);

    [DllImport(Library)]
    public static extern int EVP_CIPHER_CTX_ctrl(EvpCipherContextHandle context, int type, int argument, ref byte pointer);

    [DllImport(Library)]
    public static extern EvpMacContextHandle EVP_MAC_CTX_new(nint mac);

    [DllImport(Library)]
    public static extern void EVP_MAC_CTX_free(nint context);

    [DllImport(Library)]
    public static extern int EVP_MAC_init(EvpMacContextHandle context, ref byte key, nuint keyLength, nint parameters);

    [DllImport(Library)]
    public static extern int EVP_MAC_update(EvpMacContextHandle context, ref byte data, nuint dataLength);

    [DllImport(Library)]
    public static extern int EVP_MAC_final(EvpMacContextHandle context, ref byte output, out nuint outputLength, nuint outputSize);
#pragma warning restore CA5392
#pragma warning restore SYSLIB1054
}
