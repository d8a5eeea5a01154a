using System.Text;
using SftpKit.Accounts;
using SftpKit.Networking;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.Validation;

/// <summary>
/// Checks an account before any store sees it and normalises its virtual paths and networks in place. Every problem
/// is reported with the JSON path of the field at fault (prefixed by <c>prefix</c>, e.g. <c>users[3]</c> in a restore).
/// </summary>
internal sealed partial class AccountValidator
{
    public const int MaxPublicKeys = 1000;
    public const int MaxPublicKeyLength = 16 * 1024;
    public const int MaxListEntries = 1000;
    public const int MaxDescriptionLength = 4096;
    public const int MaxLoginSteps = 8;

    private static readonly HashSet<string> s_loginMethods = new(StringComparer.Ordinal) { "password", "publickey", "keyboard-interactive" };

    private readonly HashSet<string> _providers;

    public AccountValidator(IEnumerable<ISftpStorageProvider> providers)
    {
        _providers = new HashSet<string>(providers.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Providers => _providers;

    public void Validate(SftpAccount account, string? password, string prefix, ValidationErrors errors)
    {
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;

        if (NameRules.CheckUserName(account.UserName) is { } nameError)
        {
            errors.Add(F("userName"), "The user name " + nameError);
        }
        if (password is not null)
        {
            if (password.Length == 0)
            {
                errors.Add(F("password"), "The password must not be empty.");
            }
            else if (Encoding.UTF8.GetByteCount(password) > SftpPasswordHasher.MaxPasswordBytes)
            {
                errors.Add(F("password"), $"The password must be at most {SftpPasswordHasher.MaxPasswordBytes} UTF-8 bytes.");
            }
            if (account.PasswordHash is not null)
            {
                errors.Add(F("password"), "Give either password or passwordHash, not both.");
            }
        }
        if (account.PasswordHash is not null && !SftpPasswordHasher.IsSupported(account.PasswordHash))
        {
            errors.Add(F("passwordHash"), "The password hash is not in a supported format (argon2id, bcrypt, pbkdf2, sha256crypt, sha512crypt, md5crypt) or is outside the limits.");
        }

        CheckStorage(account, F, errors);
        CheckGroups(account, F, errors);
        CheckVirtualFolders(account, F, errors);
        CheckPermissions(account, F, errors);
        CheckFilePatterns(account, F, errors);

        NonNegative(account.MaxSessions, F("maxSessions"), errors);
        NonNegative(account.QuotaSize, F("quotaSize"), errors);
        NonNegative(account.QuotaFiles, F("quotaFiles"), errors);
        NonNegative(account.UploadBandwidth, F("uploadBandwidth"), errors);
        NonNegative(account.DownloadBandwidth, F("downloadBandwidth"), errors);
        NonNegative(account.MaxUploadFileSize, F("maxUploadFileSize"), errors);
        if (account.Uid is < 0)
        {
            errors.Add(F("uid"), "The uid must not be negative.");
        }
        if (account.Gid is < 0)
        {
            errors.Add(F("gid"), "The gid must not be negative.");
        }

        CheckNetworks(account.AllowedIPs, F("allowedIPs"), errors);
        CheckNetworks(account.DeniedIPs, F("deniedIPs"), errors);
        CheckMethods(account.DeniedLoginMethods, F("deniedLoginMethods"), errors);
        CheckMethods(account.RequiredLoginSteps, F("requiredLoginSteps"), errors);
        if (account.RequiredLoginSteps.Count > MaxLoginSteps)
        {
            errors.Add(F("requiredLoginSteps"), $"At most {MaxLoginSteps} login steps.");
        }

        if (account.PublicKeys.Count > MaxPublicKeys)
        {
            errors.Add(F("publicKeys"), $"At most {MaxPublicKeys} public keys.");
        }
        else
        {
            for (int i = 0; i < account.PublicKeys.Count; i++)
            {
                string? line = account.PublicKeys[i];
                if (line is null || line.Length > MaxPublicKeyLength || !SshPublicKey.TryParseAuthorizedKey(line, out _))
                {
                    errors.Add($"{F("publicKeys")}[{i}]", "Not a supported authorized_keys line ('type base64 [comment]': ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa or their certificates).");
                }
            }
        }
        if (account.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add(F("description"), $"The description must be at most {MaxDescriptionLength} characters.");
        }
        if (account.Metadata.Count > MaxListEntries)
        {
            errors.Add(F("metadata"), $"At most {MaxListEntries} metadata entries.");
        }
        CheckLimits(account, password, F, errors);
    }

    /// <summary>Largest number of access-time windows: 100.</summary>
    public const int MaxAccessTimeWindows = 100;

    /// <summary>Largest password expiry: 36,500 days (100 years).</summary>
    public const int MaxPasswordExpirationDays = 36_500;

    private static void CheckLimits(SftpAccount account, string? password, Func<string, string> f, ValidationErrors errors)
    {
        if (account.Role is { } role && NameRules.CheckUserName(role) is { } roleError)
        {
            errors.Add(f("role"), "The role name " + roleError);
        }
        if (account.AccessTime.Count > MaxAccessTimeWindows)
        {
            errors.Add(f("accessTime"), $"At most {MaxAccessTimeWindows} windows.");
        }
        for (int i = 0; i < account.AccessTime.Count && i < MaxAccessTimeWindows; i++)
        {
            if (account.AccessTime[i] is not { } window || !window.IsValid())
            {
                errors.Add($"{f("accessTime")}[{i}]", "A window needs dayOfWeek 0 (Sunday) to 6 and from/to as HH:MM with from not after to.");
            }
        }
        if (account.AccessTimeZone is { } zone && (zone.Length > 128 || !SftpAccountLimits.TryFindTimeZone(zone, out _)))
        {
            errors.Add(f("accessTimeZone"), "Not a known time zone id (e.g. Europe/Rome or UTC).");
        }
        NonNegative(account.UploadDataTransfer, f("uploadDataTransfer"), errors);
        NonNegative(account.DownloadDataTransfer, f("downloadDataTransfer"), errors);
        NonNegative(account.TotalDataTransfer, f("totalDataTransfer"), errors);
        if (!Enum.IsDefined(account.DataTransferPeriod))
        {
            errors.Add(f("dataTransferPeriod"), "One of None, Day, Week, Month.");
        }
        if (account.PasswordExpirationDays is < 0 or > MaxPasswordExpirationDays)
        {
            errors.Add(f("passwordExpirationDays"), $"Between 0 and {MaxPasswordExpirationDays}.");
        }
        if (account.PasswordStrength is < 0 or > SftpPasswordStrength.MaxMinimumBits)
        {
            errors.Add(f("passwordStrength"), $"Between 0 and {SftpPasswordStrength.MaxMinimumBits} bits.");
        }
        else if (password is { Length: > 0 } && !SftpPasswordStrength.IsStrongEnough(password, account.PasswordStrength))
        {
            errors.Add(f("password"), $"The password is too weak: it needs an entropy of at least {account.PasswordStrength} bits.");
        }
        for (int i = 0; i < account.DeniedProtocols.Count; i++)
        {
            if (!SftpAccountLimits.Protocols.Contains(account.DeniedProtocols[i] ?? "", StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{f("deniedProtocols")}[{i}]", "One of SSH, HTTP.");
            }
        }
    }

    /// <summary>Checks a folder definition (<c>/folders</c> bodies, backup <c>folders</c>) with the rules of account mounts.</summary>
    public void ValidateFolder(SftpFolder folder, string prefix, ValidationErrors errors)
    {
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;
        if (NameRules.CheckUserName(folder.Name) is { } nameError)
        {
            errors.Add(F("name"), "The folder name " + nameError);
        }
        if (folder.FileSystem is null)
        {
            errors.Add(F("fileSystem"), "The folder's storage is required.");
        }
        else
        {
            folder.FileSystem.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
            CheckFileSystem(folder.FileSystem, F("fileSystem"), rootRequired: true, errors);
        }
        NonNegative(folder.QuotaSize, F("quotaSize"), errors);
        NonNegative(folder.QuotaFiles, F("quotaFiles"), errors);
        if (folder.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add(F("description"), $"The description must be at most {MaxDescriptionLength} characters.");
        }
    }

    private void CheckStorage(SftpAccount account, Func<string, string> f, ValidationErrors errors)
    {
        var fs = account.FileSystem;
        bool local = fs is null || string.Equals(fs.Provider, "local", StringComparison.OrdinalIgnoreCase);
        if (fs is not null)
        {
            CheckFileSystem(fs, f("fileSystem"), rootRequired: false, errors);
        }
        if (account.HomeDirectory is not null)
        {
            if (NameRules.CheckLocalDirectory(account.HomeDirectory) is { } error)
            {
                errors.Add(f("homeDirectory"), "The home directory " + error);
            }
        }
        else if (local && fs?.Root is null && !account.Groups.Any(g => g?.Type == SftpGroupType.Primary))
        {
            errors.Add(f("homeDirectory"), "The home directory is required for local storage (or set fileSystem.root).");
        }
    }

    private void CheckFileSystem(SftpFileSystemConfig fs, string field, bool rootRequired, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(fs.Provider) || !_providers.Contains(fs.Provider))
        {
            errors.Add(field + ".provider", $"Unknown storage provider '{fs.Provider}'; this server has: {string.Join(", ", _providers.Order(StringComparer.Ordinal))}.");
            return;
        }
        bool local = string.Equals(fs.Provider, "local", StringComparison.OrdinalIgnoreCase);
        if (local && (fs.Root is not null || rootRequired))
        {
            if (NameRules.CheckLocalDirectory(fs.Root) is { } error)
            {
                errors.Add(field + ".root", "The root directory " + error);
            }
        }
        else if (fs.Root is not null && (fs.Root.Length > NameRules.MaxPathLength || fs.Root.Any(char.IsControl)))
        {
            errors.Add(field + ".root", $"The root must be at most {NameRules.MaxPathLength} characters without control characters.");
        }
        if (fs.Settings.Count > MaxListEntries)
        {
            errors.Add(field + ".settings", $"At most {MaxListEntries} settings.");
        }
    }

    private void CheckVirtualFolders(SftpAccount account, Func<string, string> f, ValidationErrors errors)
    {
        if (account.VirtualFolders.Count > MaxListEntries)
        {
            errors.Add(f("virtualFolders"), $"At most {MaxListEntries} virtual folders.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < account.VirtualFolders.Count; i++)
        {
            string field = $"{f("virtualFolders")}[{i}]";
            var folder = account.VirtualFolders[i];
            if (folder is null)
            {
                errors.Add(field, "A virtual folder must not be null.");
                continue;
            }
            if (NameRules.CheckUserName(folder.Name) is { } nameError)
            {
                errors.Add(field + ".name", "The folder name " + nameError);
            }
            else if (!names.Add(folder.Name))
            {
                errors.Add(field + ".name", "Another virtual folder of this account has the same name.");
            }
            if (!NameRules.TryNormalizeVirtualPath(folder.VirtualPath, out string normalized, out string? pathError))
            {
                errors.Add(field + ".virtualPath", "The virtual path " + pathError);
            }
            else if (normalized == "/")
            {
                errors.Add(field + ".virtualPath", "A virtual folder cannot be mounted at '/'.");
            }
            else if (!paths.Add(normalized))
            {
                errors.Add(field + ".virtualPath", "Another virtual folder of this account is mounted at the same path.");
            }
            else
            {
                folder.VirtualPath = normalized;
            }
            if (folder.FileSystem is null)
            {
                errors.Add(field + ".fileSystem", "The folder's storage is required.");
            }
            else
            {
                CheckFileSystem(folder.FileSystem, field + ".fileSystem", rootRequired: true, errors);
            }
            NonNegative(folder.QuotaSize, field + ".quotaSize", errors);
            NonNegative(folder.QuotaFiles, field + ".quotaFiles", errors);
        }
    }

    private static void CheckPermissions(SftpAccount account, Func<string, string> f, ValidationErrors errors)
    {
        if (account.Permissions.Count > MaxListEntries)
        {
            errors.Add(f("permissions"), $"At most {MaxListEntries} directories with permissions.");
            return;
        }
        var normalizedPermissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal);
        foreach (var (directory, names) in account.Permissions)
        {
            string field = $"{f("permissions")}[{directory}]";
            if (!NameRules.TryNormalizeVirtualPath(directory, out string normalized, out string? pathError))
            {
                errors.Add(field, "The directory " + pathError);
                continue;
            }
            if (!normalizedPermissions.TryAdd(normalized, names ?? []))
            {
                errors.Add(field, $"The directory is the same as another one after normalisation ('{normalized}').");
            }
            if (names is null || names.Count == 0)
            {
                errors.Add(field, "At least one permission is required (use [\"list\"] for read-only listing).");
                continue;
            }
            var unknown = new List<string>();
            foreach (string? name in names)
            {
                if (name is null || !SftpPermissionNames.TryParse(name, out _))
                {
                    unknown.Add(name ?? "null");
                }
            }
            if (unknown.Count > 0)
            {
                errors.Add(field, $"Unknown permission(s) {string.Join(", ", unknown.Select(u => "'" + u + "'"))}; valid: {string.Join(", ", SftpPermissionNames.All)}.");
            }
        }
        account.Permissions = normalizedPermissions;
    }

    private static void CheckFilePatterns(SftpAccount account, Func<string, string> f, ValidationErrors errors)
    {
        if (account.FilePatterns.Count > MaxListEntries)
        {
            errors.Add(f("filePatterns"), $"At most {MaxListEntries} file-pattern filters.");
            return;
        }
        for (int i = 0; i < account.FilePatterns.Count; i++)
        {
            string field = $"{f("filePatterns")}[{i}]";
            var filter = account.FilePatterns[i];
            if (filter is null)
            {
                errors.Add(field, "A filter must not be null.");
                continue;
            }
            if (!NameRules.TryNormalizeVirtualPath(filter.Path, out string normalized, out string? pathError))
            {
                errors.Add(field + ".path", "The path " + pathError);
            }
            else
            {
                filter.Path = normalized;
            }
            filter.AllowedPatterns ??= [];
            filter.DeniedPatterns ??= [];
            if (filter.AllowedPatterns.Concat(filter.DeniedPatterns).Any(p => string.IsNullOrEmpty(p) || p.Contains('/', StringComparison.Ordinal)))
            {
                errors.Add(field, "Patterns must be non-empty file-name globs without '/'.");
            }
        }
    }

    /// <summary>
    /// Checks an address list (<see cref="SftpNetwork"/>'s rules) and rewrites each readable entry in its normalised
    /// form, so the store saves what the server will match (<c>10.1.2.3/8</c> is saved as <c>10.0.0.0/8</c>).
    /// </summary>
    public static void CheckNetworks(IList<string> entries, string field, ValidationErrors errors)
    {
        if (entries.Count > MaxListEntries)
        {
            errors.Add(field, $"At most {MaxListEntries} networks.");
            return;
        }
        for (int i = 0; i < entries.Count; i++)
        {
            if (SftpNetwork.TryNormalize(entries[i], out string? normalized))
            {
                entries[i] = normalized;
            }
            else
            {
                errors.Add($"{field}[{i}]", $"'{entries[i]}' is not an IP address or CIDR network (e.g. 192.0.2.0/24, 2001:db8::/32).");
            }
        }
    }

    private static void CheckMethods(IList<string> methods, string field, ValidationErrors errors)
    {
        for (int i = 0; i < methods.Count; i++)
        {
            if (methods[i] is null || !s_loginMethods.Contains(methods[i]))
            {
                errors.Add($"{field}[{i}]", $"'{methods[i]}' is not a login method (password, publickey, keyboard-interactive).");
            }
        }
    }

    private static void NonNegative(long value, string field, ValidationErrors errors)
    {
        if (value < 0)
        {
            errors.Add(field, "Must not be negative (0 means unlimited).");
        }
    }
}
