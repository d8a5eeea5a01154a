using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;

namespace SftpKit.AspNetCore.Backup;

internal static partial class SftpGoBackupConverter
{
    /// <summary>The format's admin permissions and what each grants here; null = no equivalent (reported).</summary>
    private static readonly Dictionary<string, string?> s_adminPermissions = new(StringComparer.Ordinal)
    {
        ["*"] = SftpAdminPermissions.All,
        ["add_users"] = SftpAdminPermissions.ManageUsers,
        ["edit_users"] = SftpAdminPermissions.ManageUsers,
        ["del_users"] = SftpAdminPermissions.ManageUsers,
        ["view_users"] = null,
        ["view_conns"] = SftpAdminPermissions.ViewConnections,
        ["close_conns"] = SftpAdminPermissions.CloseConnections,
        ["view_status"] = null,
        ["manage_admins"] = SftpAdminPermissions.ManageAdmins,
        ["manage_apikeys"] = null,
        ["quota_scans"] = SftpAdminPermissions.QuotaScans,
        ["manage_system"] = SftpAdminPermissions.ManageSystem,
        ["manage_defender"] = SftpAdminPermissions.ManageDefender,
        ["view_defender"] = SftpAdminPermissions.ViewDefender,
        ["retention_checks"] = SftpAdminPermissions.RetentionChecks,
        ["manage_folders"] = SftpAdminPermissions.ManageFolders,
        ["manage_groups"] = SftpAdminPermissions.ManageGroups,
        ["manage_roles"] = SftpAdminPermissions.ManageRoles,
        ["manage_event_rules"] = SftpAdminPermissions.ManageEventRules,
        ["metadata_checks"] = null,
        ["view_events"] = null,
        ["manage_ip_lists"] = null,
        ["disable_mfa"] = null,
    };

    private static JsonArray ConvertGroups(JsonElement dump, List<SftpGoImportIssue> issues, Dictionary<string, SftpFolder> folders, IReadOnlySet<string> providers)
    {
        var groups = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new SftpGoReader(issues);
        foreach (var (item, i) in Items(dump, "groups"))
        {
            string path = $"groups[{i}]";
            string? name = SftpGoReader.String(item, "name");
            if (string.IsNullOrEmpty(name) || !names.Add(name))
            {
                issues.Add(new(path, "A group needs a unique, non-empty name; not imported."));
                continue;
            }
            reader.Unmapped(item, path, ["name", "description", "user_settings", "virtual_folders"], ["id", "created_at", "updated_at", "users", "admins"]);
            // The user settings have the user object's shape: read them as one, then keep what a group holds.
            var settings = new JsonObject();
            if (SftpGoReader.Child(item, "user_settings") is { } us)
            {
                foreach (var member in us.EnumerateObject())
                {
                    settings[member.Name] = JsonNode.Parse(member.Value.GetRawText());
                }
            }
            settings["username"] = name;
            settings["status"] = 1;
            if (item.TryGetProperty("virtual_folders", out var mounts))
            {
                settings["virtual_folders"] = JsonNode.Parse(mounts.GetRawText());
            }
            var found = new List<SftpGoImportIssue>();
            SftpAccount account;
            try
            {
                using var synthetic = JsonDocument.Parse(settings.ToJsonString());
                account = SftpGoUserJson.ToAccount(synthetic.RootElement, found, path + ".user_settings");
            }
            catch (FormatException e)
            {
                issues.Add(new(path, $"Group '{name}' not imported: {e.Message}"));
                continue;
            }
            ResolveMounts(account.VirtualFolders, folders);
            if (MissingProvider(account.FileSystem, account.VirtualFolders, providers) is { } missing)
            {
                names.Remove(name);
                issues.Add(new(path, $"Group '{name}' not imported: {Unregistered(missing)}"));
                continue;
            }
            string mountPrefix = path + ".user_settings.virtual_folders";
            issues.AddRange(found.Select(f => f.Path.StartsWith(mountPrefix, StringComparison.Ordinal)
                ? f with { Path = path + ".virtual_folders" + f.Path[mountPrefix.Length..] }
                : f));
            string filters = path + ".user_settings.filters";
            void Lost(bool set, string field)
            {
                if (set)
                {
                    issues.Add(new(field, "Groups here do not hold this setting; set it on the member accounts."));
                }
            }
            Lost(account.UploadDataTransfer > 0, path + ".user_settings.upload_data_transfer");
            Lost(account.DownloadDataTransfer > 0, path + ".user_settings.download_data_transfer");
            Lost(account.TotalDataTransfer > 0, path + ".user_settings.total_data_transfer");
            Lost(account.DeniedProtocols.Count > 0, filters + ".denied_protocols");
            Lost(account.PasswordExpirationDays > 0, filters + ".password_expiration");
            Lost(account.PasswordStrength > 0, filters + ".password_strength");
            Lost(account.AccessTime.Count > 0, filters + ".access_time");
            foreach (var mount in account.VirtualFolders.Where(m => !folders.ContainsKey(m.Name) && m.Name.Length > 0))
            {
                folders[mount.Name] = SftpFolder.FromMount(mount);
            }
            var group = new SftpGroup
            {
                Name = name,
                Description = SftpGoReader.String(item, "description") is { Length: > 0 } d ? d : null,
                HomeDirectory = account.HomeDirectory,
                FileSystem = account.FileSystem,
                VirtualFolders = account.VirtualFolders,
                Permissions = account.Permissions,
                FilePatterns = account.FilePatterns,
                MaxSessions = account.MaxSessions,
                QuotaSize = account.QuotaSize,
                QuotaFiles = account.QuotaFiles,
                UploadBandwidth = account.UploadBandwidth,
                DownloadBandwidth = account.DownloadBandwidth,
                MaxUploadFileSize = account.MaxUploadFileSize,
                AllowedIPs = account.AllowedIPs,
                DeniedIPs = account.DeniedIPs,
                DeniedLoginMethods = account.DeniedLoginMethods,
            };
            groups.Add(JsonSerializer.SerializeToNode(group, AdminJson.Options));
        }
        return groups;
    }

    private static JsonArray ConvertAdmins(JsonElement dump, List<SftpGoImportIssue> issues)
    {
        var admins = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new SftpGoReader(issues);
        foreach (var (item, i) in Items(dump, "admins"))
        {
            string path = $"admins[{i}]";
            string? name = SftpGoReader.String(item, "username");
            if (string.IsNullOrEmpty(name) || !names.Add(name))
            {
                issues.Add(new(path, "An admin needs a unique, non-empty username; not imported."));
                continue;
            }
            reader.Unmapped(item, path, ["username", "status", "description", "password", "permissions", "filters", "role"],
                ["id", "created_at", "updated_at", "last_login"]);
            var admin = new SftpAdmin
            {
                UserName = name,
                Enabled = SftpGoReader.Long(item, "status") == 1,
                Description = SftpGoReader.String(item, "description") is { Length: > 0 } d ? d : null,
                Role = SftpGoReader.String(item, "role") is { Length: > 0 } role ? role : null,
            };
            if (SftpGoReader.String(item, "password") is { Length: > 0 } hash)
            {
                if (SftpPasswordHasher.IsSupported(hash))
                {
                    admin.PasswordHash = hash;
                }
                else
                {
                    issues.Add(new(path + ".password", "The password hash format is not supported here; set a new password (sftpkit admins resetpwd)."));
                }
            }
            foreach (string permission in SftpGoReader.StringList(item, "permissions"))
            {
                if (s_adminPermissions.TryGetValue(permission, out string? ours) && ours is not null)
                {
                    if (!admin.Permissions.Contains(ours))
                    {
                        admin.Permissions.Add(ours);
                    }
                }
                else
                {
                    issues.Add(new(path + ".permissions", $"Admin permission '{permission}' has no equivalent here; left out."));
                }
            }
            if (SftpGoReader.Child(item, "filters") is { } filters)
            {
                reader.Unmapped(filters, path + ".filters", ["allow_list", "allow_api_key_auth"]);
                admin.AllowedNetworks = SftpGoReader.StringList(filters, "allow_list");
                admin.AllowApiKeyAuth = SftpGoReader.Bool(filters, "allow_api_key_auth");
            }
            admins.Add(JsonSerializer.SerializeToNode(admin, AdminJson.Options));
        }
        return admins;
    }
}
