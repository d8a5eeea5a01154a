using SftpKit.FileSystem;

namespace SftpKit.Accounts;

/// <summary>
/// The settings an account logs in with: the account merged with its groups (<see cref="SftpAccount.Groups"/>),
/// computed once per login by the session pipeline whatever authenticated it. The rules are SFTPGo's:
/// <list type="bullet">
/// <item><b>Primary group</b> (at most one): its <see cref="SftpGroup.HomeDirectory"/>, when set, replaces the
/// account's; its <see cref="SftpGroup.FileSystem"/>, when its provider is not <c>local</c>, replaces the account's
/// storage; <see cref="SftpGroup.MaxSessions"/>, quotas, bandwidths and <see cref="SftpGroup.MaxUploadFileSize"/> are
/// used where the account's value is 0.</item>
/// <item><b>Primary, then secondary groups</b> in the order listed: virtual folders are added where the account (or
/// an earlier group) mounts nothing at the same path; permissions and file-name patterns are added for paths the
/// account (or an earlier group) has none for, <c>/</c> only from the primary group; allowed and denied networks and
/// denied login methods are appended. Secondary groups never give the home directory, storage or numeric limits.
/// When two secondary groups mount the same path, the first listed wins.</item>
/// <item><b>Membership groups</b> give nothing.</item>
/// </list>
/// In the group's home directory, storage root and non-secret storage settings, and in its folders' mount paths,
/// roots and non-secret settings, <c>%username%</c> becomes the account's user name and <c>%role%</c> its role
/// (empty when it has none). The account's own values are never expanded.
/// </summary>
public static class SftpEffectiveAccount
{
    /// <summary>Replaced by the account's user name in group paths.</summary>
    public const string UserNamePlaceholder = "%username%";

    /// <summary>Replaced by the account's role (empty without one) in group paths.</summary>
    public const string RolePlaceholder = "%role%";

    /// <summary><paramref name="value"/> with <c>%username%</c> and <c>%role%</c> replaced (ordinal, case-sensitive).</summary>
    public static string ExpandPlaceholders(string value, string userName, string? role)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(userName);
        return value.Replace(UserNamePlaceholder, userName, StringComparison.Ordinal)
            .Replace(RolePlaceholder, role ?? string.Empty, StringComparison.Ordinal);
    }

    /// <summary>
    /// A copy of <paramref name="account"/> with the settings of its groups merged in (see the type's rules).
    /// <paramref name="groups"/> holds the groups by name; memberships naming a group not among them are skipped
    /// (the session pipeline refuses such a login before calling this). <see cref="SftpAccount.Groups"/> is kept.
    /// </summary>
    public static SftpAccount Compute(SftpAccount account, IEnumerable<SftpGroup> groups, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(groups);
        var byName = new Dictionary<string, SftpGroup>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            byName.TryAdd(group.Name, group);
        }
        var effective = account.Clone();
        if (account.Groups.Count == 0)
        {
            return effective;
        }
        var primary = account.Groups.Where(m => m.Type == SftpGroupType.Primary).Select(m => byName.GetValueOrDefault(m.Name)).FirstOrDefault(g => g is not null);
        var secondaries = account.Groups.Where(m => m.Type == SftpGroupType.Secondary).Select(m => byName.GetValueOrDefault(m.Name)).OfType<SftpGroup>();
        string user = account.UserName;
        if (primary is not null)
        {
            ApplyPrimary(effective, primary, user, role);
            Add(effective, primary, isPrimary: true, user, role);
        }
        foreach (var secondary in secondaries)
        {
            Add(effective, secondary, isPrimary: false, user, role);
        }
        return effective;
    }

    private static void ApplyPrimary(SftpAccount effective, SftpGroup group, string user, string? role)
    {
        if (!string.IsNullOrEmpty(group.HomeDirectory))
        {
            effective.HomeDirectory = ExpandPlaceholders(group.HomeDirectory, user, role);
        }
        if (group.FileSystem is { } fs && !string.Equals(fs.Provider, "local", StringComparison.OrdinalIgnoreCase))
        {
            effective.FileSystem = Expand(fs, user, role);
        }
        if (effective.MaxSessions == 0)
        {
            effective.MaxSessions = group.MaxSessions;
        }
        if (effective.QuotaSize == 0)
        {
            effective.QuotaSize = group.QuotaSize;
        }
        if (effective.QuotaFiles == 0)
        {
            effective.QuotaFiles = group.QuotaFiles;
        }
        if (effective.UploadBandwidth == 0)
        {
            effective.UploadBandwidth = group.UploadBandwidth;
        }
        if (effective.DownloadBandwidth == 0)
        {
            effective.DownloadBandwidth = group.DownloadBandwidth;
        }
        if (effective.MaxUploadFileSize == 0)
        {
            effective.MaxUploadFileSize = group.MaxUploadFileSize;
        }
    }

    private static void Add(SftpAccount effective, SftpGroup group, bool isPrimary, string user, string? role)
    {
        var mounted = effective.VirtualFolders.Select(f => NormalizeOrSelf(f.VirtualPath)).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in group.VirtualFolders)
        {
            string path = NormalizeOrSelf(ExpandPlaceholders(folder.VirtualPath ?? string.Empty, user, role));
            if ((path == VirtualPath.Root && !isPrimary) || !mounted.Add(path))
            {
                continue;
            }
            var copy = folder.Clone();
            copy.VirtualPath = path;
            copy.FileSystem = Expand(folder.FileSystem, user, role);
            effective.VirtualFolders.Add(copy);
        }
        foreach (var (path, permissions) in group.Permissions)
        {
            if ((path == VirtualPath.Root && !isPrimary) || effective.Permissions.ContainsKey(path))
            {
                continue;
            }
            effective.Permissions[path] = new List<string>(permissions);
        }
        var filtered = effective.FilePatterns.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var filter in group.FilePatterns)
        {
            if ((filter.Path == VirtualPath.Root && !isPrimary) || !filtered.Add(filter.Path))
            {
                continue;
            }
            effective.FilePatterns.Add(filter.Clone());
        }
        Append(effective.AllowedIPs, group.AllowedIPs);
        Append(effective.DeniedIPs, group.DeniedIPs);
        Append(effective.DeniedLoginMethods, group.DeniedLoginMethods);
    }

    private static void Append(IList<string> target, IEnumerable<string> extra)
    {
        foreach (string value in extra)
        {
            if (!target.Contains(value, StringComparer.Ordinal))
            {
                target.Add(value);
            }
        }
    }

    private static SftpFileSystemConfig Expand(SftpFileSystemConfig config, string user, string? role)
    {
        var copy = config.Clone();
        if (copy.Root is { } root)
        {
            copy.Root = ExpandPlaceholders(root, user, role);
        }
        foreach (string name in copy.Settings.Keys.Where(k => !SftpAccountSecrets.IsSecret(k)).ToList())
        {
            copy.Settings[name] = ExpandPlaceholders(copy.Settings[name], user, role);
        }
        return copy;
    }

    private static string NormalizeOrSelf(string path)
    {
        try
        {
            return VirtualPath.Normalize(path);
        }
        catch (ArgumentException)
        {
            return path;
        }
    }
}
