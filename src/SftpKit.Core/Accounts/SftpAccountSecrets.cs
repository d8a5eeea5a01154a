namespace SftpKit.Accounts;

/// <summary>
/// Which storage settings hold secrets, and protecting them across an account (its file system and every virtual
/// folder's) with an <see cref="ISftpSecretProtector"/>. Used by account stores on save and load.
/// </summary>
public static class SftpAccountSecrets
{
    private static readonly string[] s_secretWords =
        ["secret", "password", "passphrase", "token", "credential", "privatekey", "private_key", "customerkey", "customer_key",
            "accountkey", "account_key", "sasurl", "sas_url", "connectionstring", "connection_string"];

    /// <summary>
    /// True for a storage setting whose name says it holds a secret: it contains (case-insensitive) <c>secret</c>,
    /// <c>password</c>, <c>passphrase</c>, <c>token</c>, <c>credential</c>, <c>privatekey</c>/<c>private_key</c> or
    /// <c>customerkey</c>/<c>customer_key</c>, <c>accountkey</c>/<c>account_key</c>, <c>sasurl</c>/<c>sas_url</c> or
    /// <c>connectionstring</c>/<c>connection_string</c>. For S3 that is <c>SecretAccessKey</c>, <c>SessionToken</c> and
    /// <c>SseCustomerKey</c>; <c>AccessKeyId</c> is an identifier and stays readable. For Azure Blob it is
    /// <c>AccountKey</c>, <c>SasUrl</c> and <c>ConnectionString</c>; <c>AccountName</c> stays readable.
    /// </summary>
    public static bool IsSecret(string settingName)
    {
        ArgumentNullException.ThrowIfNull(settingName);
        return s_secretWords.Any(w => settingName.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Protects every secret setting of <paramref name="account"/> in place (call it on a copy).</summary>
    public static void Protect(SftpAccount account, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(account, protector.Protect);
    }

    /// <summary>Replaces every protected secret setting of <paramref name="account"/> with its plain value, in place.</summary>
    public static void Unprotect(SftpAccount account, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(account, protector.Unprotect);
    }

    /// <summary>Protects every secret setting of <paramref name="group"/> (its storage and folders) in place (call it on a copy).</summary>
    public static void Protect(SftpGroup group, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(group.FileSystem, protector.Protect);
        foreach (var folder in group.VirtualFolders)
        {
            Apply(folder.FileSystem, protector.Protect);
        }
    }

    /// <summary>Replaces every protected secret setting of <paramref name="group"/> with its plain value, in place.</summary>
    public static void Unprotect(SftpGroup group, ISftpSecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(protector);
        Apply(group.FileSystem, protector.Unprotect);
        foreach (var folder in group.VirtualFolders)
        {
            Apply(folder.FileSystem, protector.Unprotect);
        }
    }

    private static void Apply(SftpAccount account, Func<string, string> transform)
    {
        Apply(account.FileSystem, transform);
        foreach (var folder in account.VirtualFolders)
        {
            Apply(folder.FileSystem, transform);
        }
    }

    private static void Apply(SftpFileSystemConfig? config, Func<string, string> transform)
    {
        if (config?.Settings is not { Count: > 0 } settings)
        {
            return;
        }
        foreach (string name in settings.Keys.Where(IsSecret).ToList())
        {
            if (settings[name] is { Length: > 0 } value)
            {
                settings[name] = transform(value);
            }
        }
    }
}
