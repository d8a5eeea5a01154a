using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SftpKit.Accounts.Interchange;

/// <summary>
/// Converts between an account and SFTPGo's user JSON (the <c>User</c> object of its REST API: snake_case fields such as
/// <c>username</c>, <c>status</c>, <c>home_dir</c>, <c>permissions</c>, <c>quota_size</c>, <c>public_keys</c>,
/// <c>filesystem</c>, <c>virtual_folders</c>, <c>filters</c>), as exchanged with external authentication hooks and in
/// user exports.
/// </summary>
/// <remarks>
/// Mapping rules, in the format's terms:
/// <list type="bullet">
/// <item><c>status</c> 1 = enabled, anything else (and a missing status) = disabled, as the format defines.</item>
/// <item><c>expiration_date</c> and <c>last_login</c> are Unix milliseconds; 0 = none.</item>
/// <item><c>password</c>: a hash in a format <see cref="SftpPasswordHasher"/> verifies is kept as is; any other value is
/// a plain password and is hashed (argon2id) by <see cref="ToAccount(JsonElement)"/>. Empty = no password.</item>
/// <item><c>uid</c>/<c>gid</c> 0 = unset. <c>upload_bandwidth</c>/<c>download_bandwidth</c> are KB/s (kept as KiB/s).</item>
/// <item><c>filters</c>: <c>allowed_ip</c>, <c>denied_ip</c>, <c>denied_login_methods</c> (<c>password</c> and
/// <c>password-over-SSH</c> deny password, <c>publickey</c>, <c>keyboard-interactive</c>; combined multi-step names and
/// TLS names are ignored), <c>denied_protocols</c> (<c>SSH</c> and <c>HTTP</c>; others ignored), <c>file_patterns</c>,
/// <c>max_upload_file_size</c>, <c>password_expiration</c>, <c>password_strength</c> and <c>access_time</c>.</item>
/// <item><c>upload_data_transfer</c>, <c>download_data_transfer</c>, <c>total_data_transfer</c> (MB), <c>role</c> and
/// <c>last_password_change</c> (Unix milliseconds) map to the account fields of the same meaning.</item>
/// <item><c>filesystem.provider</c>: 0 = local disk at <c>home_dir</c>, 1 = S3 (<c>s3config</c>: bucket, region,
/// endpoint, access_key, access_secret (a secret object with a <c>Plain</c> payload, or a string), storage_class, acl,
/// key_prefix, force_path_style, upload_part_size, upload_concurrency, download_part_size, download_concurrency),
/// 3 = Azure Blob (provider <see cref="AzureBlobProvider"/>, <c>azblobconfig</c> members kept under their own names,
/// <c>key_prefix</c> as the root), 4 = encrypted local disk (provider <c>crypt</c>, <c>cryptconfig.passphrase</c>),
/// 5 = SFTP (provider <c>sftp</c>: <c>endpoint</c> host:port, username, password, private_key, key_passphrase,
/// fingerprints, <c>prefix</c> as the root). Providers 2 (Google Cloud Storage) and 6 (HTTP) are refused with
/// <see cref="FormatException"/>.</item>
/// <item><c>virtual_folders</c>: <c>name</c>, <c>virtual_path</c>, <c>mapped_path</c> (or a local/S3
/// <c>filesystem</c>), <c>quota_size</c>/<c>quota_files</c> (-1 and 0 = counted in the account's quota; above 0 = the
/// folder's own quota).</item>
/// <item><c>groups</c>: <c>name</c> and <c>type</c> (1 primary, 2 secondary, 3 membership) map to
/// <see cref="SftpAccount.Groups"/>; entries without a name or with another type are skipped.</item>
/// <item><c>description</c> maps to the description; <c>email</c> and <c>additional_info</c> are kept in the metadata
/// under those names. Other fields are ignored.</item>
/// </list>
/// The format has numeric ids that SftpKit does not keep: <see cref="FromAccount"/> writes a stable non-zero
/// <c>id</c> derived from the user name for an existing account (0 means "not stored", as the format defines).
/// </remarks>
public static partial class SftpGoUserJson
{
    /// <summary>The metadata keys <see cref="ToAccount(JsonElement)"/> fills from <c>email</c> and <c>additional_info</c>.</summary>
    public const string EmailMetadataKey = "email";

    /// <summary>The metadata key for <c>additional_info</c>.</summary>
    public const string AdditionalInfoMetadataKey = "additional_info";

    /// <summary>Reads one user object.</summary>
    /// <param name="user">A JSON object in the format.</param>
    /// <exception cref="FormatException">Not an object, a field of the wrong type, or an unsupported storage provider.</exception>
    public static SftpAccount ToAccount(JsonElement user)
    {
        if (user.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("A user must be a JSON object.");
        }
        try
        {
            return Read(user);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("A user field has the wrong type: " + e.Message, e);
        }
    }

    /// <summary>Reads one user object from JSON text.</summary>
    /// <exception cref="FormatException">Not JSON, or see <see cref="ToAccount(JsonElement)"/>.</exception>
    public static SftpAccount ToAccount(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return ToAccount(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException("The user is not valid JSON.", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="account"/> as a user object. The password hash is included only when
    /// <paramref name="includePasswordHash"/> (hooks receive it, as the format's hooks do; exports may leave it out).
    /// Storage secrets are written as they are held (protected at rest by the store, plain in memory).
    /// </summary>
    public static JsonObject FromAccount(SftpAccount account, bool includePasswordHash)
    {
        ArgumentNullException.ThrowIfNull(account);
        var permissions = new JsonObject();
        foreach (var (path, names) in account.Permissions)
        {
            permissions[path] = StringArray(names);
        }
        var user = new JsonObject
        {
            ["id"] = StableId(account.UserName),
            ["status"] = account.Enabled ? 1 : 0,
            ["username"] = account.UserName,
            ["expiration_date"] = account.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0,
            ["public_keys"] = StringArray(account.PublicKeys),
            ["home_dir"] = account.HomeDirectory ?? string.Empty,
            ["uid"] = account.Uid ?? 0,
            ["gid"] = account.Gid ?? 0,
            ["max_sessions"] = account.MaxSessions,
            ["quota_size"] = account.QuotaSize,
            ["quota_files"] = account.QuotaFiles,
            ["permissions"] = permissions,
            ["upload_bandwidth"] = account.UploadBandwidth,
            ["download_bandwidth"] = account.DownloadBandwidth,
            ["upload_data_transfer"] = account.UploadDataTransfer,
            ["download_data_transfer"] = account.DownloadDataTransfer,
            ["total_data_transfer"] = account.TotalDataTransfer,
            ["last_login"] = account.LastLogin?.ToUnixTimeMilliseconds() ?? 0,
            ["last_password_change"] = account.PasswordChangedAt?.ToUnixTimeMilliseconds() ?? 0,
            ["role"] = account.Role ?? string.Empty,
            ["description"] = account.Description ?? string.Empty,
            ["filters"] = new JsonObject
            {
                ["allowed_ip"] = StringArray(account.AllowedIPs),
                ["denied_ip"] = StringArray(account.DeniedIPs),
                ["denied_login_methods"] = StringArray(account.DeniedLoginMethods),
                ["file_patterns"] = new JsonArray(account.FilePatterns.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path,
                    ["allowed_patterns"] = StringArray(f.AllowedPatterns),
                    ["denied_patterns"] = StringArray(f.DeniedPatterns),
                }).ToArray()),
                ["max_upload_file_size"] = account.MaxUploadFileSize,
                ["denied_protocols"] = StringArray(account.DeniedProtocols),
                ["password_expiration"] = account.PasswordExpirationDays,
                ["password_strength"] = account.PasswordStrength,
                ["access_time"] = new JsonArray(account.AccessTime.Select(w => (JsonNode)new JsonObject
                {
                    ["day_of_week"] = w.DayOfWeek,
                    ["from"] = w.From,
                    ["to"] = w.To,
                }).ToArray()),
            },
            ["filesystem"] = FileSystemNode(account.FileSystem),
            ["virtual_folders"] = new JsonArray(account.VirtualFolders.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Name,
                ["virtual_path"] = f.VirtualPath,
                ["mapped_path"] = f.FileSystem.Provider == "local" ? f.FileSystem.Root ?? string.Empty : string.Empty,
                ["quota_size"] = f.QuotaSize > 0 ? f.QuotaSize : -1,
                ["quota_files"] = f.QuotaFiles > 0 ? f.QuotaFiles : -1,
                ["filesystem"] = FileSystemNode(f.FileSystem),
            }).ToArray()),
            ["groups"] = new JsonArray(account.Groups.Select(g => (JsonNode)new JsonObject { ["name"] = g.Name, ["type"] = (int)g.Type }).ToArray()),
        };
        if (includePasswordHash && account.PasswordHash is { Length: > 0 } hash)
        {
            user["password"] = hash;
        }
        if (account.Metadata.TryGetValue(EmailMetadataKey, out string? email))
        {
            user["email"] = email;
        }
        if (account.Metadata.TryGetValue(AdditionalInfoMetadataKey, out string? info))
        {
            user["additional_info"] = info;
        }
        return user;
    }

    /// <summary>The user object for a name with no stored account: <c>id</c> 0 and the name, as the format's hooks expect.</summary>
    public static JsonObject Missing(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return new JsonObject { ["id"] = 0, ["username"] = userName, ["status"] = 0 };
    }

    /// <summary>A stable non-zero 31-bit id from the user name (FNV-1a), since accounts have no numeric id.</summary>
    internal static int StableId(string userName)
    {
        uint hash = 2166136261;
        foreach (char c in userName)
        {
            hash = (hash ^ c) * 16777619;
        }
        int id = (int)(hash & 0x7FFFFFFF);
        return id == 0 ? 1 : id;
    }

    private static JsonObject FileSystemNode(SftpFileSystemConfig? fs)
    {
        if (fs is null)
        {
            return new JsonObject { ["provider"] = 0 };
        }
        string? Setting(string name) => fs.Settings.FirstOrDefault(s => string.Equals(s.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        JsonObject? SecretNode(string name) => Setting(name) is { Length: > 0 } value ? new JsonObject { ["status"] = "Plain", ["payload"] = value } : null;
        long NumberSetting(string name) => long.TryParse(Setting(name), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
        switch (fs.Provider)
        {
            case "s3":
                var s3 = new JsonObject
                {
                    ["bucket"] = Setting("Bucket"),
                    ["region"] = Setting("Region"),
                    ["endpoint"] = Setting("Endpoint"),
                    ["access_key"] = Setting("AccessKeyId"),
                    ["storage_class"] = Setting("StorageClass"),
                    ["acl"] = Setting("Acl"),
                    ["key_prefix"] = fs.Root ?? string.Empty,
                    ["force_path_style"] = string.Equals(Setting("ForcePathStyle"), "true", StringComparison.OrdinalIgnoreCase),
                    ["upload_part_size"] = NumberSetting("UploadPartSizeMiB"),
                    ["upload_concurrency"] = NumberSetting("UploadConcurrency"),
                    ["download_part_size"] = NumberSetting("DownloadPartSizeMiB"),
                    ["download_concurrency"] = NumberSetting("DownloadConcurrency"),
                };
                if (SecretNode("SecretAccessKey") is { } secret)
                {
                    s3["access_secret"] = secret;
                }
                return new JsonObject { ["provider"] = 1, ["s3config"] = s3 };
            case AzureBlobProvider:
                var az = new JsonObject { ["key_prefix"] = fs.Root ?? string.Empty, ["use_emulator"] = Setting("use_emulator") == "true" };
                foreach (string name in s_azureStrings)
                {
                    az[name] = Setting(name);
                }
                foreach (string name in s_azureNumbers)
                {
                    az[name] = NumberSetting(name);
                }
                foreach (string name in s_azureSecrets)
                {
                    az[name] = SecretNode(name);
                }
                return new JsonObject { ["provider"] = 3, ["azblobconfig"] = az };
            case "crypt":
                return new JsonObject { ["provider"] = 4, ["cryptconfig"] = new JsonObject { ["passphrase"] = SecretNode(EncryptedStorageProvider.PassphraseSetting) } };
            case "sftp":
                string? host = Setting("Host");
                string? port = Setting("Port");
                string? endpoint = host is null ? null : (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + (port ?? "22");
                return new JsonObject
                {
                    ["provider"] = 5,
                    ["sftpconfig"] = new JsonObject
                    {
                        ["endpoint"] = endpoint,
                        ["username"] = Setting("UserName"),
                        ["password"] = SecretNode("Password"),
                        ["private_key"] = SecretNode("PrivateKey"),
                        ["key_passphrase"] = SecretNode("PrivateKeyPassphrase"),
                        ["fingerprints"] = StringArray((Setting("HostKeyFingerprints") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                        ["prefix"] = fs.Root ?? string.Empty,
                    },
                };
            default:
                return new JsonObject { ["provider"] = 0 };
        }
    }

    private static JsonArray StringArray(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
