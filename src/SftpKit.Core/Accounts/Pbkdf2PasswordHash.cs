using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Accounts;

/// <summary>
/// PBKDF2 (RFC 8018) with HMAC-SHA1/SHA256/SHA512 in the forms three systems write:
/// <list type="bullet">
/// <item>SFTPGo: <c>$pbkdf2-sha1$N$salt$digest</c>, <c>$pbkdf2-sha256$…</c>, <c>$pbkdf2-sha512$…</c> with the salt
/// used as its literal text, and <c>$pbkdf2-b64salt-sha256$…</c> with a base64 salt; digest in padded standard
/// base64.</item>
/// <item>passlib: <c>$pbkdf2$N$salt$digest</c> (SHA1), <c>$pbkdf2-sha256$…</c>, <c>$pbkdf2-sha512$…</c> with salt and
/// digest in passlib's adapted base64 (<c>.</c> for <c>+</c>, no padding).</item>
/// <item>Django: <c>pbkdf2_sha256$N$salt$digest</c> and <c>pbkdf2_sha1$…</c>, literal salt, padded base64 digest.</item>
/// </list>
/// SFTPGo and passlib share two prefixes; the digest tells them apart without ambiguity: passlib's digests (20, 32 or
/// 64 bytes, never a multiple of 3) are never a multiple of 4 characters long and may hold <c>.</c>, while padded
/// base64 is always a multiple of 4 characters and never holds <c>.</c>.
/// </summary>
internal sealed class Pbkdf2PasswordHash : StoredPasswordHash
{
    private const int MaxSaltBytes = 256;
    private const int MinDigestBytes = 16;
    private const int MaxDigestBytes = 64;

    private readonly HashAlgorithmName _algorithm;
    private readonly int _iterations;
    private readonly byte[] _salt;
    private readonly byte[] _digest;

    private Pbkdf2PasswordHash(HashAlgorithmName algorithm, int iterations, byte[] salt, byte[] digest) =>
        (_algorithm, _iterations, _salt, _digest) = (algorithm, iterations, salt, digest);

    public override bool Matches(string password, byte[] passwordUtf8)
    {
        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(passwordUtf8, _salt, _iterations, _algorithm, _digest.Length);
        bool equal = CryptographicOperations.FixedTimeEquals(actual, _digest);
        CryptographicOperations.ZeroMemory(actual);
        return equal;
    }

    public static Pbkdf2PasswordHash? Parse(string hash)
    {
        string[] parts = hash.Split('$');
        string scheme;
        string[] fields;
        if (parts.Length == 5 && parts[0].Length == 0)
        {
            scheme = "$" + parts[1];
            fields = parts[2..];
        }
        else if (parts.Length == 4)
        {
            scheme = parts[0];
            fields = parts[1..];
        }
        else
        {
            return null;
        }
        if (!PasswordHashEncoding.TryParseCount(fields[0], 1, SftpPasswordHasher.MaxPbkdf2Iterations, out int iterations))
        {
            return null;
        }
        string saltText = fields[1];
        string digestText = fields[2];
        bool padded = digestText.Length % 4 == 0 && !digestText.Contains('.', StringComparison.Ordinal);
        (HashAlgorithmName algorithm, SaltForm salt, bool paddedDigest) = scheme switch
        {
            "$pbkdf2-sha1" => (HashAlgorithmName.SHA1, SaltForm.Literal, true),
            "$pbkdf2-sha256" => (HashAlgorithmName.SHA256, padded ? SaltForm.Literal : SaltForm.Adapted, padded),
            "$pbkdf2-sha512" => (HashAlgorithmName.SHA512, padded ? SaltForm.Literal : SaltForm.Adapted, padded),
            "$pbkdf2-b64salt-sha256" => (HashAlgorithmName.SHA256, SaltForm.Base64, true),
            "$pbkdf2" => (HashAlgorithmName.SHA1, SaltForm.Adapted, false),
            "pbkdf2_sha256" => (HashAlgorithmName.SHA256, SaltForm.Literal, true),
            "pbkdf2_sha1" => (HashAlgorithmName.SHA1, SaltForm.Literal, true),
            _ => (default(HashAlgorithmName), SaltForm.None, false),
        };
        if (salt == SaltForm.None || !TryDecodeSalt(saltText, salt, out byte[] saltBytes))
        {
            return null;
        }
        byte[] digest;
        bool decoded = paddedDigest
            ? PasswordHashEncoding.TryDecodePadded(digestText, out digest)
            : PasswordHashEncoding.TryDecodeAdapted(digestText, out digest);
        if (!decoded || digest.Length is < MinDigestBytes or > MaxDigestBytes || saltBytes.Length is 0 or > MaxSaltBytes)
        {
            return null;
        }
        return new Pbkdf2PasswordHash(algorithm, iterations, saltBytes, digest);
    }

    private static bool TryDecodeSalt(string text, SaltForm form, out byte[] salt)
    {
        salt = [];
        switch (form)
        {
            case SaltForm.Literal:
                if (text.Length > MaxSaltBytes)
                {
                    return false;
                }
                salt = Encoding.UTF8.GetBytes(text);
                return true;
            case SaltForm.Base64:
                return PasswordHashEncoding.TryDecodePadded(text, out salt);
            case SaltForm.Adapted:
                return PasswordHashEncoding.TryDecodeAdapted(text, out salt);
            default:
                return false;
        }
    }

    private enum SaltForm { None, Literal, Base64, Adapted }
}
