namespace SftpKit.Accounts;

/// <summary>
/// A stored password hash parsed into its scheme and parameters, every parameter already checked against the limits
/// documented on <see cref="SftpPasswordHasher"/>. Each scheme recomputes the hash of a candidate password and compares
/// in constant time.
/// </summary>
internal abstract class StoredPasswordHash
{
    /// <summary>True when a match should be followed by rehashing with the current default.</summary>
    public virtual bool NeedsRehash => true;

    /// <summary>Recomputes the hash of <paramref name="password"/> (UTF-8) and compares it with the stored one.</summary>
    public abstract bool Matches(string password, byte[] passwordUtf8);

    /// <summary>Parses any supported scheme; null for an unknown, malformed or out-of-limits hash.</summary>
    public static StoredPasswordHash? Read(string? hash)
    {
        if (string.IsNullOrEmpty(hash) || hash.Length > MaxEncodedLength)
        {
            return null;
        }
        if (hash.StartsWith("$argon2", StringComparison.Ordinal))
        {
            return Argon2PasswordHash.Parse(hash);
        }
        if (hash.StartsWith("$2", StringComparison.Ordinal))
        {
            return BcryptPasswordHash.Parse(hash);
        }
        if (hash.StartsWith("$pbkdf2", StringComparison.Ordinal) || hash.StartsWith("pbkdf2_", StringComparison.Ordinal))
        {
            return Pbkdf2PasswordHash.Parse(hash);
        }
        if (hash.StartsWith("$1$", StringComparison.Ordinal) || hash.StartsWith("$apr1$", StringComparison.Ordinal))
        {
            return Md5CryptPasswordHash.Parse(hash);
        }
        if (hash.StartsWith("$5$", StringComparison.Ordinal) || hash.StartsWith("$6$", StringComparison.Ordinal))
        {
            return ShaCryptPasswordHash.Parse(hash);
        }
        return null;
    }

    /// <summary>No supported scheme writes a hash longer than this; longer input is refused before any parsing.</summary>
    private const int MaxEncodedLength = 1024;
}
