using System.Data.Common;
using System.Text.Json;
using SftpKit.Accounts;
using SftpKit.Networking;

namespace SftpKit.Providers.Sql;

/// <summary>
/// How an <see cref="SftpAccount"/> maps to the <c>accounts</c> table: scalar fields in their own columns, lists and
/// maps (keys, virtual folders, permissions, filters, networks, metadata, group memberships) as camelCase JSON text.
/// </summary>
internal static class SqlAccountColumns
{
    /// <summary>Longest password hash stored (the hasher refuses longer ones anyway).</summary>
    public const int MaxPasswordHashLength = 1024;

    /// <summary>The columns read back, in <see cref="Read"/>'s order.</summary>
    public const string Select =
        "user_name, enabled, expires_at, password_hash, public_keys, home_directory, file_system, virtual_folders, " +
        "permissions, file_patterns, max_sessions, quota_size, quota_files, upload_bandwidth, download_bandwidth, " +
        "max_upload_file_size, allowed_ips, denied_ips, denied_login_methods, required_login_steps, uid, gid, " +
        "description, metadata, last_login, group_memberships, role, password_changed_at, limits";

    /// <summary>Every column <see cref="Bind"/> sets, except the key, as <c>column = @column</c>.</summary>
    public const string UpdateSet =
        "enabled = @enabled, expires_at = @expires_at, password_hash = @password_hash, public_keys = @public_keys, " +
        "home_directory = @home_directory, file_system = @file_system, virtual_folders = @virtual_folders, " +
        "permissions = @permissions, file_patterns = @file_patterns, max_sessions = @max_sessions, " +
        "quota_size = @quota_size, quota_files = @quota_files, upload_bandwidth = @upload_bandwidth, " +
        "download_bandwidth = @download_bandwidth, max_upload_file_size = @max_upload_file_size, " +
        "allowed_ips = @allowed_ips, denied_ips = @denied_ips, denied_login_methods = @denied_login_methods, " +
        "required_login_steps = @required_login_steps, uid = @uid, gid = @gid, description = @description, " +
        "metadata = @metadata, group_memberships = @group_memberships, role = @role, password_changed_at = @password_changed_at, limits = @limits, updated_at = @now";

    public const string Insert =
        "INSERT INTO accounts (" + Select + ", created_at, updated_at) VALUES (@user_name, @enabled, @expires_at, " +
        "@password_hash, @public_keys, @home_directory, @file_system, @virtual_folders, @permissions, @file_patterns, " +
        "@max_sessions, @quota_size, @quota_files, @upload_bandwidth, @download_bandwidth, @max_upload_file_size, " +
        "@allowed_ips, @denied_ips, @denied_login_methods, @required_login_steps, @uid, @gid, @description, @metadata, " +
        "@last_login, @group_memberships, @role, @password_changed_at, @limits, @now, @now)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Refuses what no engine should store: bad user names and oversized hashes (everything else is stored verbatim).</summary>
    public static void Validate(SftpAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        string name = account.UserName ?? string.Empty;
        if (name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c == '/'))
        {
            throw new ArgumentException("A user name has 1–255 characters, without control characters or '/'.", nameof(account));
        }
        if (account.Role is { } role && (role.Length is 0 or > 255 || role.Any(char.IsControl)))
        {
            throw new ArgumentException("A role name has 1–255 characters, without control characters.", nameof(account));
        }
        if (account.PasswordHash is { Length: > MaxPasswordHashLength })
        {
            throw new ArgumentException($"A password hash has at most {MaxPasswordHashLength} characters.", nameof(account));
        }
    }

    public static void Bind(DbCommand command, SftpAccount account, long now)
    {
        SqlDatabase.AddParameter(command, "user_name", account.UserName);
        SqlDatabase.AddParameter(command, "enabled", account.Enabled ? 1 : 0);
        SqlDatabase.AddParameter(command, "expires_at", account.ExpiresAt?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "password_hash", account.PasswordHash);
        SqlDatabase.AddParameter(command, "public_keys", ToJson(account.PublicKeys));
        SqlDatabase.AddParameter(command, "home_directory", account.HomeDirectory);
        SqlDatabase.AddParameter(command, "file_system", account.FileSystem is null ? null : ToJson(account.FileSystem));
        SqlDatabase.AddParameter(command, "virtual_folders", ToJson(account.VirtualFolders));
        SqlDatabase.AddParameter(command, "permissions", ToJson(account.Permissions));
        SqlDatabase.AddParameter(command, "file_patterns", ToJson(account.FilePatterns));
        SqlDatabase.AddParameter(command, "max_sessions", account.MaxSessions);
        SqlDatabase.AddParameter(command, "quota_size", account.QuotaSize);
        SqlDatabase.AddParameter(command, "quota_files", account.QuotaFiles);
        SqlDatabase.AddParameter(command, "upload_bandwidth", account.UploadBandwidth);
        SqlDatabase.AddParameter(command, "download_bandwidth", account.DownloadBandwidth);
        SqlDatabase.AddParameter(command, "max_upload_file_size", account.MaxUploadFileSize);
        SqlDatabase.AddParameter(command, "allowed_ips", ToJson(SftpNetworkList.Normalize(account.AllowedIPs)));
        SqlDatabase.AddParameter(command, "denied_ips", ToJson(SftpNetworkList.Normalize(account.DeniedIPs)));
        SqlDatabase.AddParameter(command, "denied_login_methods", ToJson(account.DeniedLoginMethods));
        SqlDatabase.AddParameter(command, "required_login_steps", ToJson(account.RequiredLoginSteps));
        SqlDatabase.AddParameter(command, "uid", account.Uid);
        SqlDatabase.AddParameter(command, "gid", account.Gid);
        SqlDatabase.AddParameter(command, "description", account.Description);
        SqlDatabase.AddParameter(command, "metadata", ToJson(account.Metadata));
        SqlDatabase.AddParameter(command, "last_login", account.LastLogin?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "group_memberships", account.Groups.Count == 0 ? null : ToJson(account.Groups));
        SqlDatabase.AddParameter(command, "role", account.Role);
        SqlDatabase.AddParameter(command, "password_changed_at", account.PasswordChangedAt?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "limits", ToJson(SqlAccountLimits.From(account)));
        SqlDatabase.AddParameter(command, "now", now);
    }

    public static SftpAccount Read(DbDataReader reader)
    {
        var account = ReadCore(reader);
        account.Role = String(reader, 26);
        account.PasswordChangedAt = Time(reader, 27);
        FromJson<SqlAccountLimits>(reader, 28)?.ApplyTo(account);
        return account;
    }

    private static SftpAccount ReadCore(DbDataReader reader) => new()
    {
        UserName = reader.GetString(0),
        Enabled = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture) != 0,
        ExpiresAt = Time(reader, 2),
        PasswordHash = String(reader, 3),
        PublicKeys = FromJson<List<string>>(reader, 4) ?? [],
        HomeDirectory = String(reader, 5),
        FileSystem = FromJson<SftpFileSystemConfig>(reader, 6),
        VirtualFolders = FromJson<List<SftpVirtualFolder>>(reader, 7) ?? [],
        Permissions = FromJson<Dictionary<string, IList<string>>>(reader, 8) ?? new Dictionary<string, IList<string>>(StringComparer.Ordinal),
        FilePatterns = FromJson<List<SftpPathFilter>>(reader, 9) ?? [],
        MaxSessions = Int(reader, 10),
        QuotaSize = Long(reader, 11),
        QuotaFiles = Long(reader, 12),
        UploadBandwidth = Long(reader, 13),
        DownloadBandwidth = Long(reader, 14),
        MaxUploadFileSize = Long(reader, 15),
        AllowedIPs = FromJson<List<string>>(reader, 16) ?? [],
        DeniedIPs = FromJson<List<string>>(reader, 17) ?? [],
        DeniedLoginMethods = FromJson<List<string>>(reader, 18) ?? [],
        RequiredLoginSteps = FromJson<List<string>>(reader, 19) ?? [],
        Uid = reader.IsDBNull(20) ? null : Int(reader, 20),
        Gid = reader.IsDBNull(21) ? null : Int(reader, 21),
        Description = String(reader, 22),
        Metadata = FromJson<Dictionary<string, string>>(reader, 23) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        LastLogin = Time(reader, 24),
        Groups = FromJson<List<SftpGroupMembership>>(reader, 25) ?? [],
    };

    internal static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    internal static T? FromJson<T>(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? default : JsonSerializer.Deserialize<T>(reader.GetString(ordinal), Json);

    internal static string? String(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    internal static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    internal static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, ordinal));
}
