using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// The built-in <see cref="ISftpSecretProtector"/>: AES-256-GCM under a 32-byte key, each value with a fresh random
/// 96-bit nonce. Stored form: <c>$aes$</c> followed by base64 of nonce (12 bytes) ‖ tag (16 bytes) ‖ ciphertext, the
/// UTF-8 plain text being at most <see cref="MaxPlainTextBytes"/> bytes. The key comes from a key file (see
/// <see cref="FromKeyFile"/>); losing the file makes protected values unreadable, so back it up with the store.
/// </summary>
public sealed class AesGcmSecretProtector : ISftpSecretProtector, IDisposable
{
    /// <summary>The mark that starts every protected value.</summary>
    public const string Prefix = "$aes$";

    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeyBytes = 32;

    /// <summary>Longest plain value protected, in UTF-8 bytes: 64 KiB.</summary>
    public const int MaxPlainTextBytes = 64 * 1024;

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] s_associatedData = "SftpKit storage secret v1"u8.ToArray();

    private readonly AesGcm _aes;

    /// <summary>Creates a protector over <paramref name="key"/> (32 bytes; copied).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public AesGcmSecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"The key must be {KeyBytes} bytes.", nameof(key));
        }
        _aes = new AesGcm(key, TagBytes);
    }

    /// <summary>
    /// Reads the key from <paramref name="path"/> (base64 of 32 bytes, surrounding whitespace ignored). When the file
    /// does not exist it is created with a new random key, readable and writable by the owner only (0600).
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not hold base64 of 32 bytes.</exception>
    public static AesGcmSecretProtector FromKeyFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            TryCreateKeyFile(path);
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"The secret key file {path} does not hold a base64 key.");
        }
        try
        {
            if (key.Length != KeyBytes)
            {
                throw new InvalidDataException($"The secret key file {path} must hold {KeyBytes} bytes (base64).");
            }
            return new AesGcmSecretProtector(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <inheritdoc/>
    public bool IsProtected(string value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The value is longer than <see cref="MaxPlainTextBytes"/> in UTF-8.</exception>
    public string Protect(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsProtected(value))
        {
            return value;
        }
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > MaxPlainTextBytes)
        {
            throw new ArgumentException($"A protected value has at most {MaxPlainTextBytes} bytes.", nameof(value));
        }
        byte[] plain = Encoding.UTF8.GetBytes(value);
        byte[] sealedBytes = new byte[NonceBytes + TagBytes + length];
        try
        {
            var nonce = sealedBytes.AsSpan(0, NonceBytes);
            RandomNumberGenerator.Fill(nonce);
            _aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), s_associatedData);
            return Prefix + Convert.ToBase64String(sealedBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc/>
    public string Unprotect(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsProtected(value))
        {
            return value;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(value[Prefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("A protected storage secret is damaged.", ex);
        }
        if (sealedBytes.Length < NonceBytes + TagBytes || sealedBytes.Length - NonceBytes - TagBytes > MaxPlainTextBytes)
        {
            throw new CryptographicException("A protected storage secret is damaged.");
        }
        byte[] plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            try
            {
                _aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, s_associatedData);
            }
            catch (AuthenticationTagMismatchException ex)
            {
                throw new CryptographicException("A protected storage secret does not decrypt with this key file.", ex);
            }
            return Encoding.UTF8.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _aes.Dispose();

    private static void TryCreateKeyFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] key = RandomNumberGenerator.GetBytes(KeyBytes);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
