using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The encryption and MAC algorithms SftpKit implements, in preference order, and the factories that turn negotiated
/// names plus derived keys (RFC 4253 §7.2) into per-direction <see cref="IPacketSealer"/>/<see cref="IPacketOpener"/>.
/// </summary>
internal static class PacketCipherRegistry
{
    public const string ChaCha20Poly1305 = "chacha20-poly1305@openssh.com";
    public const string Aes128Gcm = "aes128-gcm@openssh.com";
    public const string Aes256Gcm = "aes256-gcm@openssh.com";
    public const string Aes128Ctr = "aes128-ctr";
    public const string Aes192Ctr = "aes192-ctr";
    public const string Aes256Ctr = "aes256-ctr";

    public const string HmacSha256Etm = "hmac-sha2-256-etm@openssh.com";
    public const string HmacSha512Etm = "hmac-sha2-512-etm@openssh.com";
    public const string HmacSha256 = "hmac-sha2-256";
    public const string HmacSha512 = "hmac-sha2-512";
    public const string HmacSha1Etm = "hmac-sha1-etm@openssh.com";
    public const string HmacSha1 = "hmac-sha1";

    /// <summary>Every supported cipher, most preferred first.</summary>
    public static IReadOnlyList<CipherInfo> AllCiphers { get; } =
    [
        new(ChaCha20Poly1305, KeyLength: 64, IvLength: 0, BlockSize: 8, IsAead: true, IsLegacy: false),
        new(Aes128Gcm, KeyLength: 16, IvLength: 12, BlockSize: 16, IsAead: true, IsLegacy: false),
        new(Aes256Gcm, KeyLength: 32, IvLength: 12, BlockSize: 16, IsAead: true, IsLegacy: false),
        new(Aes128Ctr, KeyLength: 16, IvLength: 16, BlockSize: 16, IsAead: false, IsLegacy: false),
        new(Aes192Ctr, KeyLength: 24, IvLength: 16, BlockSize: 16, IsAead: false, IsLegacy: false),
        new(Aes256Ctr, KeyLength: 32, IvLength: 16, BlockSize: 16, IsAead: false, IsLegacy: false),
    ];

    /// <summary>Every supported MAC, most preferred first; hmac-sha1 variants only after explicit opt-in.</summary>
    public static IReadOnlyList<MacInfo> AllMacs { get; } =
    [
        new(HmacSha256Etm, KeyLength: 32, TagLength: 32, EncryptThenMac: true, IsLegacy: false),
        new(HmacSha512Etm, KeyLength: 64, TagLength: 64, EncryptThenMac: true, IsLegacy: false),
        new(HmacSha256, KeyLength: 32, TagLength: 32, EncryptThenMac: false, IsLegacy: false),
        new(HmacSha512, KeyLength: 64, TagLength: 64, EncryptThenMac: false, IsLegacy: false),
        new(HmacSha1Etm, KeyLength: 20, TagLength: 20, EncryptThenMac: true, IsLegacy: true),
        new(HmacSha1, KeyLength: 20, TagLength: 20, EncryptThenMac: false, IsLegacy: true),
    ];

    private static readonly Dictionary<string, CipherInfo> CiphersByName = AllCiphers.ToDictionary(c => c.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, MacInfo> MacsByName = AllMacs.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static bool TryGetCipher(string name, [NotNullWhen(true)] out CipherInfo? cipher) =>
        CiphersByName.TryGetValue(name, out cipher);

    public static bool TryGetMac(string name, [NotNullWhen(true)] out MacInfo? mac) =>
        MacsByName.TryGetValue(name, out mac);

    /// <summary>The packet protection in force before the first NEWKEYS.</summary>
    public static IPacketSealer NoneSealer() => new NonePacketSealer();

    /// <inheritdoc cref="NoneSealer"/>
    public static IPacketOpener NoneOpener() => new NonePacketOpener();

    /// <summary>
    /// Creates the outgoing protection for one direction. <paramref name="key"/> and <paramref name="iv"/> must be
    /// exactly <see cref="CipherInfo.KeyLength"/>/<see cref="CipherInfo.IvLength"/> bytes; <paramref name="mac"/> and
    /// <paramref name="macKey"/> are required for non-AEAD ciphers and ignored for AEAD ones. The caller keeps
    /// ownership of the spans and should zero them afterwards.
    /// </summary>
    public static IPacketSealer CreateSealer(CipherInfo cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, MacInfo? mac, ReadOnlySpan<byte> macKey)
    {
        var known = Validate(cipher, key, iv);
        return known.Name switch
        {
            ChaCha20Poly1305 => new ChaCha20Poly1305PacketSealer(key),
            Aes128Gcm or Aes256Gcm => new AesGcmPacketSealer(key, iv),
            _ => CreateCtr(key, iv, mac, macKey, static (ks, m, etm) => new AesCtrHmacPacketSealer(ks, m, etm)),
        };
    }

    /// <summary>Creates the incoming protection for one direction; arguments as for <see cref="CreateSealer"/>.</summary>
    public static IPacketOpener CreateOpener(CipherInfo cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, MacInfo? mac, ReadOnlySpan<byte> macKey)
    {
        var known = Validate(cipher, key, iv);
        return known.Name switch
        {
            ChaCha20Poly1305 => new ChaCha20Poly1305PacketOpener(key),
            Aes128Gcm or Aes256Gcm => new AesGcmPacketOpener(key, iv),
            _ => CreateCtr(key, iv, mac, macKey, static (ks, m, etm) => new AesCtrHmacPacketOpener(ks, m, etm)),
        };
    }

    private static CipherInfo Validate(CipherInfo cipher, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        // Look the name up rather than trusting the record, so a hand-made CipherInfo cannot change key sizes.
        if (!TryGetCipher(cipher.Name, out var known))
        {
            throw new ArgumentException($"Unsupported cipher '{cipher.Name}'.", nameof(cipher));
        }
        if (key.Length != known.KeyLength)
        {
            throw new ArgumentException($"{known.Name} needs a {known.KeyLength}-byte key.", nameof(key));
        }
        if (iv.Length != known.IvLength)
        {
            throw new ArgumentException($"{known.Name} needs a {known.IvLength}-byte IV.", nameof(iv));
        }
        return known;
    }

    private static T CreateCtr<T>(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, MacInfo? mac, ReadOnlySpan<byte> macKey, Func<AesCtrKeystream, PacketMac, bool, T> create)
    {
        ArgumentNullException.ThrowIfNull(mac);
        if (!TryGetMac(mac.Name, out var knownMac))
        {
            throw new ArgumentException($"Unsupported MAC '{mac.Name}'.", nameof(mac));
        }
        if (macKey.Length != knownMac.KeyLength)
        {
            throw new ArgumentException($"{knownMac.Name} needs a {knownMac.KeyLength}-byte key.", nameof(macKey));
        }
        var hash = knownMac.Name switch
        {
            HmacSha256 or HmacSha256Etm => HashAlgorithmName.SHA256,
            HmacSha512 or HmacSha512Etm => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA1,
        };
        var keystream = new AesCtrKeystream(key, iv);
        try
        {
            return create(keystream, new PacketMac(hash, knownMac.TagLength, macKey), knownMac.EncryptThenMac);
        }
        catch
        {
            keystream.Dispose();
            throw;
        }
    }
}
