using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Validation;

/// <summary>The checks of groups and of an account's group memberships.</summary>
internal sealed partial class AccountValidator
{
    /// <summary>
    /// Checks a group (<c>/groups</c> bodies, backup <c>groups</c>) with the rules of an account's settings and
    /// normalises its paths and networks in place. Paths may hold <c>%username%</c> and <c>%role%</c>.
    /// </summary>
    public void ValidateGroup(SftpGroup group, string prefix, ValidationErrors errors)
    {
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;
        if (NameRules.CheckUserName(group.Name) is { } nameError)
        {
            errors.Add(F("name"), "The group name " + nameError);
        }
        if (group.HomeDirectory is not null && NameRules.CheckLocalDirectory(group.HomeDirectory) is { } homeError)
        {
            errors.Add(F("homeDirectory"), "The home directory " + homeError);
        }
        if (group.FileSystem is { } fs)
        {
            fs.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
            CheckFileSystem(fs, F("fileSystem"), rootRequired: false, errors);
        }
        // The settings an account shares with a group are checked by the account's own rules.
        var probe = new SftpAccount
        {
            VirtualFolders = group.VirtualFolders ?? [],
            Permissions = group.Permissions ?? new Dictionary<string, IList<string>>(StringComparer.Ordinal),
            FilePatterns = group.FilePatterns ?? [],
        };
        CheckVirtualFolders(probe, F, errors);
        CheckPermissions(probe, F, errors);
        CheckFilePatterns(probe, F, errors);
        group.Permissions = probe.Permissions;
        group.VirtualFolders = probe.VirtualFolders;
        group.FilePatterns = probe.FilePatterns;
        NonNegative(group.MaxSessions, F("maxSessions"), errors);
        NonNegative(group.QuotaSize, F("quotaSize"), errors);
        NonNegative(group.QuotaFiles, F("quotaFiles"), errors);
        NonNegative(group.UploadBandwidth, F("uploadBandwidth"), errors);
        NonNegative(group.DownloadBandwidth, F("downloadBandwidth"), errors);
        NonNegative(group.MaxUploadFileSize, F("maxUploadFileSize"), errors);
        group.AllowedIPs ??= [];
        group.DeniedIPs ??= [];
        group.DeniedLoginMethods ??= [];
        CheckNetworks(group.AllowedIPs, F("allowedIPs"), errors);
        CheckNetworks(group.DeniedIPs, F("deniedIPs"), errors);
        CheckMethods(group.DeniedLoginMethods, F("deniedLoginMethods"), errors);
        if (group.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add(F("description"), $"The description must be at most {MaxDescriptionLength} characters.");
        }
    }

    /// <summary>An account's memberships: valid names and types, each group once, at most one primary group.</summary>
    private static void CheckGroups(SftpAccount account, Func<string, string> f, ValidationErrors errors)
    {
        if (account.Groups.Count > MaxListEntries)
        {
            errors.Add(f("groups"), $"At most {MaxListEntries} groups.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        int primaries = 0;
        for (int i = 0; i < account.Groups.Count; i++)
        {
            string field = $"{f("groups")}[{i}]";
            var membership = account.Groups[i];
            if (membership is null)
            {
                errors.Add(field, "A group membership must not be null.");
                continue;
            }
            if (NameRules.CheckUserName(membership.Name) is { } nameError)
            {
                errors.Add(field + ".name", "The group name " + nameError);
            }
            else if (!names.Add(membership.Name))
            {
                errors.Add(field + ".name", "The account names this group twice.");
            }
            if (!Enum.IsDefined(membership.Type))
            {
                errors.Add(field + ".type", "The type must be 1 (primary), 2 (secondary) or 3 (membership).");
            }
            else if (membership.Type == SftpGroupType.Primary && ++primaries == 2)
            {
                errors.Add(field + ".type", "An account has at most one primary group.");
            }
        }
    }
}
