using SftpKit.Accounts;

namespace SftpKit.Events.Rules;

/// <summary>
/// Which settings of an <see cref="SftpEventAction"/> are secrets, and protecting them with an
/// <see cref="ISftpSecretProtector"/>: today the HTTP action's basic-auth <see cref="SftpHttpActionSettings.Password"/>
/// (SMTP credentials belong to the server's settings, not to actions). Used by the rule stores on save and load and by
/// the backup document, so a password is never written in clear where a protector is registered.
/// </summary>
public static class SftpEventActionSecrets
{
    /// <summary>Protects every secret of <paramref name="action"/> in place (call it on a copy). Protected values stay as they are.</summary>
    public static void Protect(SftpEventAction action, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(action, protector.Protect);
    }

    /// <summary>Replaces every protected secret of <paramref name="action"/> with its plain value, in place; plain values stay as they are.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A value is protected under another key.</exception>
    public static void Unprotect(SftpEventAction action, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(action, protector.Unprotect);
    }

    private static void Apply(SftpEventAction action, Func<string, string> transform)
    {
        if (action.Options?.Http is { Password: { Length: > 0 } password } http)
        {
            http.Password = transform(password);
        }
    }
}
