using System.Globalization;
using System.Text.Json;
using SftpKit.Policies;
using static SftpKit.Accounts.Interchange.SftpGoReader;

namespace SftpKit.Accounts.Interchange;

public static partial class SftpGoUserJson
{
    private static readonly string[] s_userMapped =
    [
        "username", "status", "expiration_date", "home_dir", "uid", "gid", "max_sessions", "quota_size", "quota_files",
        "upload_bandwidth", "download_bandwidth", "upload_data_transfer", "download_data_transfer", "total_data_transfer",
        "last_login", "last_password_change", "description", "public_keys", "password", "permissions", "filters",
        "filesystem", "virtual_folders", "groups", "email", "additional_info", "role",
    ];

    // Runtime counters and bookkeeping the format carries; quota usage is taken by the backup import itself.
    private static readonly string[] s_userIgnored =
    [
        "id", "has_password", "created_at", "updated_at", "used_quota_size", "used_quota_files", "last_quota_update",
        "first_download", "first_upload",
    ];

    private static readonly string[] s_filtersMapped =
    [
        "allowed_ip", "denied_ip", "denied_login_methods", "denied_protocols", "file_patterns", "max_upload_file_size",
        "password_expiration", "password_strength", "access_time",
    ];

    private static readonly string[] s_folderMapped = ["name", "virtual_path", "mapped_path", "filesystem", "quota_size", "quota_files"];

    private static readonly string[] s_folderIgnored = ["id", "description", "used_quota_size", "used_quota_files", "last_quota_update", "users", "groups"];

    /// <summary>
    /// Reads one user object of an export and adds to <paramref name="issues"/> every field that is not taken over
    /// (with <paramref name="path"/>, e.g. <c>users[3]</c>, as the prefix of each issue's path). Unlike
    /// <see cref="ToAccount(JsonElement)"/>, storage secrets encrypted by the exporting server, unknown permission names,
    /// login methods and protocols this server does not have are reported and left out instead of refused.
    /// </summary>
    /// <exception cref="FormatException">Not an object, a field of the wrong type, or a storage provider this server has
    /// no equivalent for (2, Google Cloud Storage; 6, HTTP): the account cannot be imported.</exception>
    public static SftpAccount ToAccount(JsonElement user, ICollection<SftpGoImportIssue> issues, string path)
    {
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(path);
        if (user.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A user must be a JSON object.");
        }
        try
        {
            return Read(user, new SftpGoReader(issues), path);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("A user field has the wrong type: " + e.Message, e);
        }
    }

    /// <summary>
    /// Reads a <c>filesystem</c> object (of a folder, or a group's user settings) and reports what is not taken over;
    /// null for local disk without a root of its own (<paramref name="localRoot"/> null).
    /// </summary>
    /// <exception cref="FormatException">A storage provider this server has no equivalent for.</exception>
    public static SftpFileSystemConfig? ToFileSystem(JsonElement filesystem, string? localRoot, ICollection<SftpGoImportIssue> issues, string path)
    {
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return ReadFileSystem(filesystem, localRoot, new SftpGoReader(issues), path);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("A filesystem field has the wrong type: " + e.Message, e);
        }
    }

    private static SftpAccount Read(JsonElement user) => Read(user, new SftpGoReader(null), "");

    private static SftpAccount Read(JsonElement user, SftpGoReader r, string path)
    {
        r.Unmapped(user, path, s_userMapped, s_userIgnored);
        var account = new SftpAccount
        {
            UserName = String(user, "username") ?? string.Empty,
            Enabled = Long(user, "status") == 1,
            ExpiresAt = Time(user, "expiration_date"),
            HomeDirectory = String(user, "home_dir") is { Length: > 0 } home ? home : null,
            Uid = Long(user, "uid") is { } uid and not 0 ? checked((int)uid) : null,
            Gid = Long(user, "gid") is { } gid and not 0 ? checked((int)gid) : null,
            MaxSessions = (int)(Long(user, "max_sessions") ?? 0),
            QuotaSize = Math.Max(0, Long(user, "quota_size") ?? 0),
            QuotaFiles = Math.Max(0, Long(user, "quota_files") ?? 0),
            UploadBandwidth = Math.Max(0, Long(user, "upload_bandwidth") ?? 0),
            DownloadBandwidth = Math.Max(0, Long(user, "download_bandwidth") ?? 0),
            UploadDataTransfer = Math.Max(0, Long(user, "upload_data_transfer") ?? 0),
            DownloadDataTransfer = Math.Max(0, Long(user, "download_data_transfer") ?? 0),
            TotalDataTransfer = Math.Max(0, Long(user, "total_data_transfer") ?? 0),
            LastLogin = Time(user, "last_login"),
            PasswordChangedAt = Time(user, "last_password_change"),
            Description = String(user, "description") is { Length: > 0 } description ? description : null,
            Role = String(user, "role") is { Length: > 0 } role ? role : null,
            PublicKeys = StringList(user, "public_keys"),
        };
        if (String(user, "password") is { Length: > 0 } password)
        {
            if (SftpPasswordHasher.IsSupported(password))
            {
                account.PasswordHash = password;
            }
            else if (r.Reporting && password.StartsWith('$'))
            {
                // An export only holds hashes: one in a format this server cannot verify is not a plain password.
                r.Report(Join(path, "password"), "The password hash format is not supported here; set a new password.");
            }
            else
            {
                account.PasswordHash = SftpPasswordHasher.Hash(password);
            }
        }
        if (user.TryGetProperty("permissions", out var permissions) && permissions.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in permissions.EnumerateObject())
            {
                var names = Strings(entry.Value);
                if (r.Reporting)
                {
                    var unknown = names.Where(n => !SftpPermissionNames.TryParse(n, out _)).ToList();
                    foreach (string name in unknown)
                    {
                        r.Report(Join(path, "permissions") + $"[\"{entry.Name}\"]", $"Permission '{name}' does not exist here; left out.");
                    }
                    names = names.Except(unknown, StringComparer.Ordinal).ToList();
                }
                account.Permissions[entry.Name] = names;
            }
        }
        if (Child(user, "filters") is { } filters)
        {
            ReadFilters(filters, account, r, Join(path, "filters"));
        }
        if (Child(user, "filesystem") is { } fs)
        {
            account.FileSystem = ReadFileSystem(fs, account.HomeDirectory, r, Join(path, "filesystem"));
        }
        if (user.TryGetProperty("virtual_folders", out var folders) && folders.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var folder in folders.EnumerateArray())
            {
                account.VirtualFolders.Add(ReadFolder(folder, r, $"{Join(path, "virtual_folders")}[{i++}]"));
            }
        }
        if (user.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var mapping in groups.EnumerateArray())
            {
                if (mapping.ValueKind == JsonValueKind.Object && String(mapping, "name") is { Length: > 0 } name && Long(mapping, "type") is long type and >= 1 and <= 3)
                {
                    account.Groups.Add(new SftpGroupMembership { Name = name, Type = (SftpGroupType)type });
                }
                else
                {
                    r.Report($"{Join(path, "groups")}[{i}]", "A group membership needs a name and a type 1, 2 or 3; left out.");
                }
                i++;
            }
        }
        if (String(user, "email") is { Length: > 0 } email)
        {
            account.Metadata[EmailMetadataKey] = email;
        }
        if (String(user, "additional_info") is { Length: > 0 } info)
        {
            account.Metadata[AdditionalInfoMetadataKey] = info;
        }
        return account;
    }

    private static void ReadFilters(JsonElement filters, SftpAccount account, SftpGoReader r, string path)
    {
        r.Unmapped(filters, path, s_filtersMapped);
        account.AllowedIPs = StringList(filters, "allowed_ip");
        account.DeniedIPs = StringList(filters, "denied_ip");
        foreach (string method in StringList(filters, "denied_login_methods"))
        {
            string? ours = method switch
            {
                "password" or "password-over-SSH" => "password",
                "publickey" => "publickey",
                "keyboard-interactive" => "keyboard-interactive",
                _ => null,
            };
            if (ours is null)
            {
                r.Report(Join(path, "denied_login_methods"), $"Login method '{method}' does not exist here (multi-step and TLS methods); left out.");
            }
            else if (!account.DeniedLoginMethods.Contains(ours))
            {
                account.DeniedLoginMethods.Add(ours);
            }
        }
        foreach (string protocol in StringList(filters, "denied_protocols"))
        {
            if (protocol is "SSH" or "HTTP")
            {
                account.DeniedProtocols.Add(protocol);
            }
            else
            {
                r.Report(Join(path, "denied_protocols"), $"Protocol '{protocol}' is not served here; left out.");
            }
        }
        if (filters.TryGetProperty("file_patterns", out var patterns) && patterns.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var pattern in patterns.EnumerateArray())
            {
                r.Unmapped(pattern, $"{Join(path, "file_patterns")}[{i++}]", ["path", "allowed_patterns", "denied_patterns"]);
                account.FilePatterns.Add(new SftpPathFilter
                {
                    Path = String(pattern, "path") ?? "/",
                    AllowedPatterns = StringList(pattern, "allowed_patterns"),
                    DeniedPatterns = StringList(pattern, "denied_patterns"),
                });
            }
        }
        account.MaxUploadFileSize = Math.Max(0, Long(filters, "max_upload_file_size") ?? 0);
        account.PasswordExpirationDays = (int)Math.Max(0, Long(filters, "password_expiration") ?? 0);
        account.PasswordStrength = (int)Math.Max(0, Long(filters, "password_strength") ?? 0);
        if (filters.TryGetProperty("access_time", out var windows) && windows.ValueKind == JsonValueKind.Array)
        {
            foreach (var window in windows.EnumerateArray())
            {
                account.AccessTime.Add(new SftpAccessTimeWindow
                {
                    DayOfWeek = (int)(Long(window, "day_of_week") ?? 0),
                    From = String(window, "from") ?? "00:00",
                    To = String(window, "to") ?? "23:59",
                });
            }
        }
    }

    private static SftpVirtualFolder ReadFolder(JsonElement folder, SftpGoReader r, string path)
    {
        r.Unmapped(folder, path, s_folderMapped, s_folderIgnored);
        string? mapped = String(folder, "mapped_path");
        var fs = Child(folder, "filesystem") is { } config ? ReadFileSystem(config, mapped, r, Join(path, "filesystem")) : null;
        return new SftpVirtualFolder
        {
            Name = String(folder, "name") ?? string.Empty,
            VirtualPath = String(folder, "virtual_path") ?? string.Empty,
            FileSystem = fs ?? new SftpFileSystemConfig { Provider = "local", Root = mapped },
            QuotaSize = Math.Max(0, Long(folder, "quota_size") ?? 0),
            QuotaFiles = Math.Max(0, Long(folder, "quota_files") ?? 0),
        };
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
