using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;
using SftpKit.Admin;
using SftpKit.AspNetCore.Endpoints;

namespace SftpKit.AspNetCore.Backup;

/// <summary>
/// Turns an SFTPGo backup (the <c>BackupData</c> object its <c>dumpdata</c> writes: <c>users</c>, <c>groups</c>,
/// <c>folders</c>, <c>admins</c>, <c>api_keys</c>, <c>shares</c>, <c>event_actions</c>, <c>event_rules</c>,
/// <c>roles</c>, <c>ip_lists</c>, <c>configs</c>, <c>version</c>) into this server's backup document, and lists every
/// field or object that does not carry over. Password hashes are kept as they are.
/// </summary>
internal static partial class SftpGoBackupConverter
{
    private static readonly string[] s_topLevel = ["users", "groups", "folders", "admins", "api_keys", "shares", "event_actions", "event_rules", "roles", "ip_lists", "configs", "version"];

    /// <summary>
    /// The backup document for <paramref name="dump"/>; <paramref name="issues"/> receives what did not carry over.
    /// <paramref name="knownActions"/> are event action names already stored (rules may name them);
    /// <paramref name="providers"/> the storage providers registered: a user, group or folder on another is left out
    /// and reported (e.g. <c>azureblob</c> without its package).
    /// </summary>
    /// <exception cref="InvalidDataException">Not an SFTPGo backup (not an object, or none of its members).</exception>
    public static JsonObject Convert(JsonElement dump, List<SftpGoImportIssue> issues, IReadOnlySet<string> knownActions, IReadOnlySet<string> providers)
    {
        if (dump.ValueKind != JsonValueKind.Object || !dump.EnumerateObject().Any(m => s_topLevel.Contains(m.Name, StringComparer.Ordinal)))
        {
            throw new InvalidDataException("The document is not an SFTPGo backup (a JSON object with users, groups, folders, admins, ...).");
        }
        var reader = new SftpGoReader(issues);
        reader.Unmapped(dump, "", s_topLevel, ["version"]);
        var quota = new JsonArray();
        var folders = ConvertFolders(dump, issues, quota, providers);
        // Groups and users first: a mount naming a folder the dump does not define adds it.
        var groups = ConvertGroups(dump, issues, folders, providers);
        var skippedGroups = Items(dump, "groups").Select(g => SftpGoReader.String(g.Item, "name")).OfType<string>()
            .Except(groups.Select(g => g?["name"]?.GetValue<string>()).OfType<string>(), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var users = ConvertUsers(dump, issues, folders, quota, providers, skippedGroups);
        var document = new JsonObject
        {
            ["version"] = SftpAccountBackup.FormatVersion,
            ["createdAt"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["folders"] = new JsonArray(folders.Values.Select(f => JsonSerializer.SerializeToNode(f, AdminJson.Options)).ToArray()),
            ["groups"] = groups,
            ["users"] = users,
            ["roles"] = ConvertRoles(dump, issues),
            ["admins"] = ConvertAdmins(dump, issues),
            ["apiKeys"] = new JsonArray(),
            ["shares"] = ConvertShares(dump, issues),
        };
        foreach (var (key, i) in Items(dump, "api_keys"))
        {
            issues.Add(new($"api_keys[{i}]", $"API key '{SftpGoReader.String(key, "name") ?? SftpGoReader.String(key, "id")}' not imported: the exporting server keeps it hashed in another scheme and clients send it in another form; create a new key."));
        }
        foreach (var (_, i) in Items(dump, "ip_lists"))
        {
            issues.Add(new($"ip_lists[{i}]", "IP list entries are not imported: set allow lists and the defender's lists in the server configuration."));
        }
        var (actions, rules) = ConvertEventRules(dump, issues, knownActions);
        document["eventActions"] = actions;
        document["eventRules"] = rules;
        document["quotaUsage"] = quota;
        return document;
    }

    /// <summary>The members of the array <paramref name="name"/> with their index; none when absent or not an array.</summary>
    private static IEnumerable<(JsonElement Item, int Index)> Items(JsonElement dump, string name) =>
        dump.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select((e, i) => (e, i)) : [];

    private static void Usage(JsonArray quota, string kind, string name, JsonElement owner)
    {
        long size = SftpGoReader.Long(owner, "used_quota_size") ?? 0;
        long files = SftpGoReader.Long(owner, "used_quota_files") ?? 0;
        if (size > 0 || files > 0)
        {
            quota.Add(new JsonObject { ["kind"] = kind, ["name"] = name, ["size"] = Math.Max(0, size), ["files"] = Math.Max(0, files) });
        }
    }

    private static Dictionary<string, SftpFolder> ConvertFolders(JsonElement dump, List<SftpGoImportIssue> issues, JsonArray quota, IReadOnlySet<string> providers)
    {
        var result = new Dictionary<string, SftpFolder>(StringComparer.Ordinal);
        var reader = new SftpGoReader(issues);
        foreach (var (item, i) in Items(dump, "folders"))
        {
            string path = $"folders[{i}]";
            string? name = SftpGoReader.String(item, "name");
            if (string.IsNullOrEmpty(name) || result.ContainsKey(name))
            {
                issues.Add(new(path, "A folder needs a unique, non-empty name; not imported."));
                continue;
            }
            reader.Unmapped(item, path, ["name", "mapped_path", "description", "filesystem"],
                ["id", "used_quota_size", "used_quota_files", "last_quota_update", "users", "groups"]);
            string? mapped = SftpGoReader.String(item, "mapped_path") is { Length: > 0 } m ? m : null;
            SftpFileSystemConfig? fs;
            try
            {
                fs = SftpGoReader.Child(item, "filesystem") is { } config ? SftpGoUserJson.ToFileSystem(config, mapped, issues, path + ".filesystem") : null;
            }
            catch (FormatException e)
            {
                issues.Add(new(path, $"Folder '{name}' not imported: {e.Message}"));
                continue;
            }
            if (fs is not null && !providers.Contains(fs.Provider))
            {
                issues.Add(new(path, $"Folder '{name}' not imported: {Unregistered(fs.Provider)}"));
                continue;
            }
            result[name] = new SftpFolder
            {
                Name = name,
                Description = SftpGoReader.String(item, "description") is { Length: > 0 } d ? d : null,
                FileSystem = fs ?? new SftpFileSystemConfig { Provider = "local", Root = mapped },
            };
            Usage(quota, "Folder", name, item);
        }
        return result;
    }

    /// <summary>A mount whose entry names a folder but carries no storage of its own takes the folder definition's.</summary>
    private static void ResolveMounts(IList<SftpVirtualFolder> mounts, Dictionary<string, SftpFolder> folders)
    {
        foreach (var mount in mounts)
        {
            if (mount.FileSystem.Provider == "local" && mount.FileSystem.Root is null && folders.TryGetValue(mount.Name, out var definition))
            {
                mount.FileSystem = definition.FileSystem.Clone();
            }
        }
    }

    private static JsonArray ConvertUsers(JsonElement dump, List<SftpGoImportIssue> issues, Dictionary<string, SftpFolder> folders, JsonArray quota,
        IReadOnlySet<string> providers, HashSet<string> skippedGroups)
    {
        var users = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, i) in Items(dump, "users"))
        {
            string path = $"users[{i}]";
            var found = new List<SftpGoImportIssue>();
            SftpAccount account;
            try
            {
                account = SftpGoUserJson.ToAccount(item, found, path);
            }
            catch (FormatException e)
            {
                issues.Add(new(path, $"User '{SftpGoReader.String(item, "username")}' not imported: {e.Message}"));
                continue;
            }
            if (string.IsNullOrEmpty(account.UserName) || !names.Add(account.UserName))
            {
                issues.Add(new(path, "A user needs a unique, non-empty username; not imported."));
                continue;
            }
            ResolveMounts(account.VirtualFolders, folders);
            if (MissingProvider(account.FileSystem, account.VirtualFolders, providers) is { } missing)
            {
                names.Remove(account.UserName);
                issues.Add(new(path, $"User '{account.UserName}' not imported: {Unregistered(missing)}"));
                continue;
            }
            issues.AddRange(found);
            foreach (var membership in account.Groups.Where(g => skippedGroups.Contains(g.Name)).ToList())
            {
                account.Groups.Remove(membership);
                issues.Add(new($"{path}.groups", $"Membership of group '{membership.Name}' left out: the group was not imported."));
            }
            foreach (var mount in account.VirtualFolders.Where(m => !folders.ContainsKey(m.Name) && m.Name.Length > 0))
            {
                folders[mount.Name] = SftpFolder.FromMount(mount);
            }
            foreach (string counter in new[] { "used_upload_data_transfer", "used_download_data_transfer" })
            {
                if ((SftpGoReader.Long(item, counter) ?? 0) != 0)
                {
                    issues.Add(new($"{path}.{counter}", "Data transfer counters start again from zero here; not imported."));
                }
            }
            Usage(quota, "User", account.UserName, item);
            users.Add(JsonSerializer.SerializeToNode(account, AdminJson.Options));
        }
        return users;
    }

    /// <summary>The first storage provider of a root and mounts that is not registered here, or null.</summary>
    private static string? MissingProvider(SftpFileSystemConfig? root, IEnumerable<SftpVirtualFolder> mounts, IReadOnlySet<string> providers) =>
        new[] { root?.Provider }.Concat(mounts.Select(m => (string?)m.FileSystem.Provider))
            .FirstOrDefault(p => p is not null && !providers.Contains(p));

    private static string Unregistered(string provider) =>
        $"its storage provider '{provider}' is not registered on this server (add its package, then import again).";

    private static JsonArray ConvertRoles(JsonElement dump, List<SftpGoImportIssue> issues)
    {
        var roles = new JsonArray();
        var reader = new SftpGoReader(issues);
        foreach (var (item, i) in Items(dump, "roles"))
        {
            string path = $"roles[{i}]";
            reader.Unmapped(item, path, ["name", "description"], ["id", "created_at", "updated_at", "users", "admins"]);
            string? name = SftpGoReader.String(item, "name");
            if (name is not { Length: > 0 and <= 255 } || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
            {
                issues.Add(new(path, "A role needs a valid name; not imported."));
                continue;
            }
            roles.Add(JsonSerializer.SerializeToNode(new SftpRole { Name = name!, Description = SftpGoReader.String(item, "description") is { Length: > 0 } d ? d : null }, AdminJson.Options));
        }
        return roles;
    }

    private static JsonArray ConvertShares(JsonElement dump, List<SftpGoImportIssue> issues)
    {
        var shares = new JsonArray();
        var reader = new SftpGoReader(issues);
        foreach (var (item, i) in Items(dump, "shares"))
        {
            string path = $"shares[{i}]";
            reader.Unmapped(item, path, ["id", "name", "description", "scope", "paths", "username", "created_at", "updated_at", "last_use_at",
                "expires_at", "password", "max_tokens", "used_tokens", "allow_from"]);
            string? id = SftpGoReader.String(item, "id");
            long scope = SftpGoReader.Long(item, "scope") ?? 1;
            if (!SftpShare.IsValidId(id) || SftpGoReader.String(item, "username") is not { Length: > 0 } owner || scope is < 1 or > 3)
            {
                issues.Add(new(path, "A share needs a valid id, an owner and a scope 1, 2 or 3; not imported."));
                continue;
            }
            string? password = SftpGoReader.String(item, "password");
            if (password is { Length: > 0 } && !SftpPasswordHasher.IsSupported(password))
            {
                issues.Add(new(path + ".password", "The share password hash format is not supported here; the share is imported without a password and disabled by an immediate expiry."));
            }
            var share = new SftpShare
            {
                Id = id!,
                Name = SftpGoReader.String(item, "name") ?? id!,
                Description = SftpGoReader.String(item, "description") is { Length: > 0 } d ? d : null,
                Scope = (SftpShareScope)scope,
                Paths = SftpGoReader.StringList(item, "paths"),
                UserName = owner,
                CreatedAt = SftpGoReader.Time(item, "created_at") ?? DateTimeOffset.UtcNow,
                UpdatedAt = SftpGoReader.Time(item, "updated_at") ?? DateTimeOffset.UtcNow,
                LastUseAt = SftpGoReader.Time(item, "last_use_at"),
                ExpiresAt = SftpGoReader.Time(item, "expires_at"),
                PasswordHash = password is { Length: > 0 } && SftpPasswordHasher.IsSupported(password) ? password : null,
                MaxTokens = (int)Math.Max(0, SftpGoReader.Long(item, "max_tokens") ?? 0),
                UsedTokens = (int)Math.Max(0, SftpGoReader.Long(item, "used_tokens") ?? 0),
                AllowFrom = SftpGoReader.StringList(item, "allow_from"),
            };
            if (password is { Length: > 0 } && share.PasswordHash is null)
            {
                share.ExpiresAt = DateTimeOffset.UnixEpoch;
            }
            shares.Add(JsonSerializer.SerializeToNode(share, AdminJson.Options));
        }
        return shares;
    }
}
