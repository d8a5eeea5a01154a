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
/// TLS names are ignored), <c>file_patterns</c> and <c>max_upload_file_size</c>.</item>
/// <item><c>filesystem.provider</c>: 0 = local disk at <c>home_dir</c>, 1 = S3 (<c>s3config</c>: bucket, region,
/// endpoint, access_key, access_secret (a secret object with a <c>Plain</c> payload, or a string), storage_class, acl,
/// key_prefix, force_path_style, upload_part_size, upload_concurrency, download_part_size, download_concurrency),
/// 3 = Azure Blob, storage provider <c>azureblob</c> (<c>azblobconfig</c>: container, account_name, account_key and
/// sas_url (secret objects), endpoint, key_prefix, access_tier, use_emulator, upload_part_size, upload_concurrency,
/// download_part_size, download_concurrency; zero sizes and concurrencies are left to the defaults).
/// Other providers are refused with <see cref="FormatException"/>.</item>
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
public static class SftpGoUserJson
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
            permissions[path] = Strings(names);
        }
        var user = new JsonObject
        {
            ["id"] = StableId(account.UserName),
            ["status"] = account.Enabled ? 1 : 0,
            ["username"] = account.UserName,
            ["expiration_date"] = account.ExpiresAt?.ToUnixTimeMilliseconds() ?? 0,
            ["public_keys"] = Strings(account.PublicKeys),
            ["home_dir"] = account.HomeDirectory ?? string.Empty,
            ["uid"] = account.Uid ?? 0,
            ["gid"] = account.Gid ?? 0,
            ["max_sessions"] = account.MaxSessions,
            ["quota_size"] = account.QuotaSize,
            ["quota_files"] = account.QuotaFiles,
            ["permissions"] = permissions,
            ["upload_bandwidth"] = account.UploadBandwidth,
            ["download_bandwidth"] = account.DownloadBandwidth,
            ["last_login"] = account.LastLogin?.ToUnixTimeMilliseconds() ?? 0,
            ["description"] = account.Description ?? string.Empty,
            ["filters"] = new JsonObject
            {
                ["allowed_ip"] = Strings(account.AllowedIPs),
                ["denied_ip"] = Strings(account.DeniedIPs),
                ["denied_login_methods"] = Strings(account.DeniedLoginMethods),
                ["file_patterns"] = new JsonArray(account.FilePatterns.Select(f => (JsonNode)new JsonObject
                {
                    ["path"] = f.Path,
                    ["allowed_patterns"] = Strings(f.AllowedPatterns),
                    ["denied_patterns"] = Strings(f.DeniedPatterns),
                }).ToArray()),
                ["max_upload_file_size"] = account.MaxUploadFileSize,
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

    private static SftpAccount Read(JsonElement user)
    {
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
            LastLogin = Time(user, "last_login"),
            Description = String(user, "description") is { Length: > 0 } description ? description : null,
            PublicKeys = StringList(user, "public_keys"),
        };
        if (String(user, "password") is { Length: > 0 } password)
        {
            account.PasswordHash = SftpPasswordHasher.IsSupported(password) ? password : SftpPasswordHasher.Hash(password);
        }
        if (user.TryGetProperty("permissions", out var permissions) && permissions.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in permissions.EnumerateObject())
            {
                account.Permissions[entry.Name] = Strings(entry.Value);
            }
        }
        if (Child(user, "filters") is { } filters)
        {
            ReadFilters(filters, account);
        }
        if (Child(user, "filesystem") is { } fs)
        {
            account.FileSystem = ReadFileSystem(fs, account.HomeDirectory);
        }
        if (user.TryGetProperty("virtual_folders", out var folders) && folders.ValueKind == JsonValueKind.Array)
        {
            foreach (var folder in folders.EnumerateArray())
            {
                account.VirtualFolders.Add(ReadFolder(folder));
            }
        }
        if (user.TryGetProperty("groups", out var groups) && groups.ValueKind == JsonValueKind.Array)
        {
            foreach (var mapping in groups.EnumerateArray())
            {
                if (mapping.ValueKind == JsonValueKind.Object && String(mapping, "name") is { Length: > 0 } name && Long(mapping, "type") is long type and >= 1 and <= 3)
                {
                    account.Groups.Add(new SftpGroupMembership { Name = name, Type = (SftpGroupType)type });
                }
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

    private static void ReadFilters(JsonElement filters, SftpAccount account)
    {
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
            if (ours is not null && !account.DeniedLoginMethods.Contains(ours))
            {
                account.DeniedLoginMethods.Add(ours);
            }
        }
        if (filters.TryGetProperty("file_patterns", out var patterns) && patterns.ValueKind == JsonValueKind.Array)
        {
            foreach (var pattern in patterns.EnumerateArray())
            {
                account.FilePatterns.Add(new SftpPathFilter
                {
                    Path = String(pattern, "path") ?? "/",
                    AllowedPatterns = StringList(pattern, "allowed_patterns"),
                    DeniedPatterns = StringList(pattern, "denied_patterns"),
                });
            }
        }
        account.MaxUploadFileSize = Math.Max(0, Long(filters, "max_upload_file_size") ?? 0);
    }

    private static SftpVirtualFolder ReadFolder(JsonElement folder)
    {
        string? mapped = String(folder, "mapped_path");
        var fs = Child(folder, "filesystem") is { } config ? ReadFileSystem(config, mapped) : null;
        return new SftpVirtualFolder
        {
            Name = String(folder, "name") ?? string.Empty,
            VirtualPath = String(folder, "virtual_path") ?? string.Empty,
            FileSystem = fs ?? new SftpFileSystemConfig { Provider = "local", Root = mapped },
            QuotaSize = Math.Max(0, Long(folder, "quota_size") ?? 0),
            QuotaFiles = Math.Max(0, Long(folder, "quota_files") ?? 0),
        };
    }

    /// <summary>The storage of a <c>filesystem</c> object; null for local disk without a root of its own.</summary>
    private static SftpFileSystemConfig? ReadFileSystem(JsonElement fs, string? localRoot)
    {
        long provider = Long(fs, "provider") ?? 0;
        switch (provider)
        {
            case 0:
                return localRoot is null ? null : new SftpFileSystemConfig { Provider = "local", Root = localRoot };
            case 1:
                var s3 = Child(fs, "s3config") ?? throw new FormatException("filesystem.provider 1 (S3) needs s3config.");
                var config = new SftpFileSystemConfig { Provider = "s3", Root = String(s3, "key_prefix") is { Length: > 0 } p ? p : null };
                Put(config, "Bucket", String(s3, "bucket"));
                Put(config, "Region", String(s3, "region"));
                Put(config, "Endpoint", String(s3, "endpoint"));
                Put(config, "AccessKeyId", String(s3, "access_key"));
                Put(config, "SecretAccessKey", SecretPayload(s3, "access_secret"));
                Put(config, "StorageClass", String(s3, "storage_class"));
                Put(config, "Acl", String(s3, "acl"));
                if (Bool(s3, "force_path_style"))
                {
                    config.Settings["ForcePathStyle"] = "true";
                }
                PutNumber(config, "UploadPartSizeMiB", Long(s3, "upload_part_size"));
                PutNumber(config, "UploadConcurrency", Long(s3, "upload_concurrency"));
                PutNumber(config, "DownloadPartSizeMiB", Long(s3, "download_part_size"));
                PutNumber(config, "DownloadConcurrency", Long(s3, "download_concurrency"));
                return config;
            case 3:
                return ReadAzureBlob(Child(fs, "azblobconfig") ?? throw new FormatException("filesystem.provider 3 (Azure Blob) needs azblobconfig."));
            default:
                throw new FormatException($"filesystem.provider {provider.ToString(CultureInfo.InvariantCulture)} is not supported (0 local, 1 S3 and 3 Azure Blob are).");
        }
    }

    /// <summary>An <c>azblobconfig</c> object as <c>azureblob</c> storage settings (its <c>key_prefix</c> the root).</summary>
    private static SftpFileSystemConfig ReadAzureBlob(JsonElement az)
    {
        var config = new SftpFileSystemConfig { Provider = "azureblob", Root = String(az, "key_prefix") is { Length: > 0 } p ? p : null };
        Put(config, "Container", String(az, "container"));
        Put(config, "AccountName", String(az, "account_name"));
        Put(config, "AccountKey", SecretPayload(az, "account_key"));
        Put(config, "SasUrl", SecretPayload(az, "sas_url"));
        Put(config, "Endpoint", String(az, "endpoint"));
        Put(config, "AccessTier", String(az, "access_tier"));
        if (Bool(az, "use_emulator"))
        {
            config.Settings["UseEmulator"] = "true";
        }
        PutNumber(config, "UploadPartSizeMiB", Long(az, "upload_part_size"));
        PutNumber(config, "UploadConcurrency", Long(az, "upload_concurrency"));
        PutNumber(config, "DownloadPartSizeMiB", Long(az, "download_part_size"));
        PutNumber(config, "DownloadConcurrency", Long(az, "download_concurrency"));
        return config;
    }

    private static JsonObject AzureBlobNode(SftpFileSystemConfig fs)
    {
        string? Setting(string name) => fs.Settings.TryGetValue(name, out string? v) ? v : null;
        var az = new JsonObject
        {
            ["container"] = Setting("Container"),
            ["account_name"] = Setting("AccountName"),
            ["endpoint"] = Setting("Endpoint"),
            ["access_tier"] = Setting("AccessTier"),
            ["key_prefix"] = fs.Root ?? string.Empty,
            ["use_emulator"] = string.Equals(Setting("UseEmulator"), "true", StringComparison.OrdinalIgnoreCase),
        };
        foreach (var (field, name) in new[] { ("account_key", "AccountKey"), ("sas_url", "SasUrl") })
        {
            if (Setting(name) is { Length: > 0 } secret)
            {
                az[field] = new JsonObject { ["status"] = "Plain", ["payload"] = secret };
            }
        }
        return new JsonObject { ["provider"] = 3, ["azblobconfig"] = az };
    }

    private static JsonObject FileSystemNode(SftpFileSystemConfig? fs)
    {
        if (fs is null || fs.Provider == "local")
        {
            return new JsonObject { ["provider"] = 0 };
        }
        if (fs.Provider == "azureblob")
        {
            return AzureBlobNode(fs);
        }
        if (fs.Provider != "s3")
        {
            return new JsonObject { ["provider"] = 0 };
        }
        string? Setting(string name) => fs.Settings.TryGetValue(name, out string? v) ? v : null;
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
        };
        if (Setting("SecretAccessKey") is { Length: > 0 } secret)
        {
            s3["access_secret"] = new JsonObject { ["status"] = "Plain", ["payload"] = secret };
        }
        return new JsonObject { ["provider"] = 1, ["s3config"] = s3 };
    }

    private static void Put(SftpFileSystemConfig config, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            config.Settings[name] = value;
        }
    }

    private static void PutNumber(SftpFileSystemConfig config, string name, long? value)
    {
        if (value is > 0)
        {
            config.Settings[name] = value.Value.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A secret field: a plain string, or a secret object whose status is <c>Plain</c> (others cannot be read here).</summary>
    private static string? SecretPayload(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var secret) || secret.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (secret.ValueKind == JsonValueKind.String)
        {
            return secret.GetString();
        }
        string? status = String(secret, "status");
        string? payload = String(secret, "payload");
        if (payload is not { Length: > 0 })
        {
            return null;
        }
        return status is null or "" or "Plain"
            ? payload
            : throw new FormatException($"{name}: a secret with status {status} cannot be read; send it with status Plain.");
    }

    private static JsonElement? Child(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static long? Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetInt64() : null;

    private static bool Bool(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static DateTimeOffset? Time(JsonElement parent, string name) =>
        Long(parent, name) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static List<string> StringList(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? Strings(value) : [];

    private static List<string> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() : [];

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
