namespace SftpKit.Accounts;

/// <summary>
/// Protects account storage secrets (S3 secret key, SSE-C key, tokens, passwords in
/// <see cref="SftpFileSystemConfig.Settings"/>; see <see cref="SftpAccountSecrets.IsSecret"/>) at rest. Account
/// stores protect on save and unprotect on load when one is registered (<c>AddSecretProtection</c>), so the rest of
/// the server only sees plain values. Values saved before protection was turned on stay readable and are protected
/// the next time their account is saved.
/// </summary>
public interface ISftpSecretProtector
{
    /// <summary>The value as stored: protected and marked (<c>$aes$…</c> for the built-in protector). A value that is
    /// already protected is returned unchanged.</summary>
    string Protect(string value);

    /// <summary>The plain value of <paramref name="value"/>; a value without this protector's mark (a plain value
    /// stored before protection was turned on) is returned unchanged.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The value is marked but does not decrypt
    /// with this key (a different key file, or a damaged value).</exception>
    string Unprotect(string value);

    /// <summary>True when <paramref name="value"/> carries this protector's mark.</summary>
    bool IsProtected(string value);
}
