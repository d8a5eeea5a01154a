namespace SftpKit.Accounts;

/// <summary>
/// One account: who may log in, how, where its files live and which policies bind it. Plain data (bindable from
/// configuration and JSON, persisted by <see cref="ISftpUserStore"/> implementations). Zero means "no limit" for
/// every numeric limit.
/// </summary>
public sealed class SftpAccount
{
    /// <summary>The login name (case-sensitive, 1–255 characters, no control characters or <c>/</c>).</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Disabled accounts cannot log in. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>After this instant the account cannot log in; null = never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>
    /// The password hash in any format <c>SftpPasswordHasher</c> verifies (argon2id, bcrypt, pbkdf2, md5crypt,
    /// sha256crypt, sha512crypt); null = no password login. Rehashed to argon2id after a successful login.
    /// </summary>
    public string? PasswordHash { get; set; }

    /// <summary>Authorized public keys, one <c>authorized_keys</c> line each (options are not supported and ignored).</summary>
    public IList<string> PublicKeys { get; set; } = new List<string>();

    /// <summary>The account's root on local disk (created on first login when missing); used when <see cref="FileSystem"/> is null or local.</summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Where the account's files live; null = local disk at <see cref="HomeDirectory"/>.</summary>
    public SftpFileSystemConfig? FileSystem { get; set; }

    /// <summary>Other directories or storages mounted at virtual paths inside the account.</summary>
    public IList<SftpVirtualFolder> VirtualFolders { get; set; } = new List<SftpVirtualFolder>();

    /// <summary>
    /// Permissions per virtual directory, nearest configured parent wins; values are <see cref="Policies.SftpPermissionNames"/>
    /// (e.g. <c>"/": ["*"]</c>, <c>"/incoming": ["list", "upload"]</c>). When <c>/</c> is absent it gets <c>*</c>.
    /// </summary>
    public IDictionary<string, IList<string>> Permissions { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>File-name patterns allowed or denied per directory (nearest configured parent wins).</summary>
    public IList<SftpPathFilter> FilePatterns { get; set; } = new List<SftpPathFilter>();

    /// <summary>Maximum concurrent sessions (connections) of this account across the cluster; 0 = unlimited.</summary>
    public int MaxSessions { get; set; }

    /// <summary>Quota on the total size of the account's files in bytes; 0 = unlimited.</summary>
    public long QuotaSize { get; set; }

    /// <summary>Quota on the number of the account's files; 0 = unlimited.</summary>
    public long QuotaFiles { get; set; }

    /// <summary>Upload bandwidth in KiB/s shared by all the account's sessions; 0 = unlimited.</summary>
    public long UploadBandwidth { get; set; }

    /// <summary>Download bandwidth in KiB/s shared by all the account's sessions; 0 = unlimited.</summary>
    public long DownloadBandwidth { get; set; }

    /// <summary>Largest single file the account may upload, in bytes; 0 = unlimited.</summary>
    public long MaxUploadFileSize { get; set; }

    /// <summary>
    /// Source networks (CIDR or single addresses, <see cref="Networking.SftpNetwork"/>'s rules) allowed to log in;
    /// empty = any. A list with an unreadable entry lets nobody in.
    /// </summary>
    public IList<string> AllowedIPs { get; set; } = new List<string>();

    /// <summary>
    /// Source networks (CIDR or single addresses, <see cref="Networking.SftpNetwork"/>'s rules) refused; checked before
    /// <see cref="AllowedIPs"/>. A list with an unreadable entry lets nobody in.
    /// </summary>
    public IList<string> DeniedIPs { get; set; } = new List<string>();

    /// <summary>SSH methods this account may not log in with: <c>password</c>, <c>publickey</c>, <c>keyboard-interactive</c>.</summary>
    public IList<string> DeniedLoginMethods { get; set; } = new List<string>();

    /// <summary>
    /// Methods the login must pass in sequence (e.g. <c>["publickey", "password"]</c>); empty = any single method.
    /// </summary>
    public IList<string> RequiredLoginSteps { get; set; } = new List<string>();

    /// <summary>Owner uid for new files and directories when the server runs as root on Linux; null = the server's.</summary>
    public int? Uid { get; set; }

    /// <summary>Owner gid for new files and directories when the server runs as root on Linux; null = the server's.</summary>
    public int? Gid { get; set; }

    /// <summary>
    /// The role the account belongs to (a name of the role store, 1–255 characters); null = none. Admins bound to a
    /// role see and manage only the accounts of that role; an account holds at most one role.
    /// </summary>
    public string? Role { get; set; }

    /// <summary>
    /// Weekly windows in which the account may log in (SFTPGo's <c>access_time</c>); empty = any time. A login outside
    /// every window is refused, whatever authenticated it. Times are read in <see cref="AccessTimeZone"/>.
    /// </summary>
    public IList<SftpAccessTimeWindow> AccessTime { get; set; } = new List<SftpAccessTimeWindow>();

    /// <summary>
    /// The time zone <see cref="AccessTime"/> is read in: an IANA (or Windows) id such as <c>Europe/Rome</c>; null = UTC.
    /// An unknown id refuses every login the windows govern, rather than guessing.
    /// </summary>
    public string? AccessTimeZone { get; set; }

    /// <summary>Bytes the account may upload per <see cref="DataTransferPeriod"/>, in MiB (SFTPGo's <c>upload_data_transfer</c>); 0 = unlimited.</summary>
    public long UploadDataTransfer { get; set; }

    /// <summary>Bytes the account may download per <see cref="DataTransferPeriod"/>, in MiB (SFTPGo's <c>download_data_transfer</c>); 0 = unlimited.</summary>
    public long DownloadDataTransfer { get; set; }

    /// <summary>
    /// Bytes uploaded plus downloaded per <see cref="DataTransferPeriod"/>, in MiB (SFTPGo's <c>total_data_transfer</c>);
    /// 0 = unlimited. When set, it is checked instead of <see cref="UploadDataTransfer"/> and <see cref="DownloadDataTransfer"/>, as SFTPGo does.
    /// </summary>
    public long TotalDataTransfer { get; set; }

    /// <summary>
    /// When the data-transfer counters start again. Defaults to <see cref="SftpDataTransferPeriod.None"/>: they only
    /// grow until an admin resets them (SFTPGo's behaviour).
    /// </summary>
    public SftpDataTransferPeriod DataTransferPeriod { get; set; }

    /// <summary>
    /// Days a password stays valid after <see cref="PasswordChangedAt"/> (SFTPGo's <c>password_expiration</c>); 0 = never
    /// expires. An expired password no longer logs in over SSH or the web client; other methods (public keys) still do.
    /// </summary>
    public int PasswordExpirationDays { get; set; }

    /// <summary>
    /// When the password was last set, maintained by the admin API and the web client's password change; null = not
    /// recorded (the password is then never treated as expired).
    /// </summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }

    /// <summary>
    /// Minimum entropy, in bits, of a new password set through the admin API or the web client (SFTPGo's
    /// <c>password_strength</c>, see <c>SftpPasswordStrength</c>); 0 = any password. Hashes set directly are not checked.
    /// </summary>
    public int PasswordStrength { get; set; }

    /// <summary>Protocols the account may not log in with: <c>SSH</c> (SFTP, SCP, commands) and <c>HTTP</c> (the web client); empty = none.</summary>
    public IList<string> DeniedProtocols { get; set; } = new List<string>();

    /// <summary>Free text for operators.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// The groups the account belongs to: at most one <see cref="SftpGroupType.Primary"/>, any number of
    /// <see cref="SftpGroupType.Secondary"/> and <see cref="SftpGroupType.Membership"/>. Their settings are merged into
    /// the account at every login (<see cref="SftpEffectiveAccount"/>); a login naming a group that does not exist is refused.
    /// </summary>
    public IList<SftpGroupMembership> Groups { get; set; } = new List<SftpGroupMembership>();

    /// <summary>Free-form values for host applications; never interpreted by SftpKit.</summary>
    public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Last successful login, maintained by the store. The built-in authenticator writes it only when the stored value
    /// is at least one minute old, so it can lag the latest login by up to a minute.
    /// </summary>
    public DateTimeOffset? LastLogin { get; set; }

    /// <summary>A deep copy, so callers can change it without touching a store's instance.</summary>
    public SftpAccount Clone() => new()
    {
        UserName = UserName,
        Enabled = Enabled,
        ExpiresAt = ExpiresAt,
        PasswordHash = PasswordHash,
        PublicKeys = new List<string>(PublicKeys),
        HomeDirectory = HomeDirectory,
        FileSystem = FileSystem?.Clone(),
        VirtualFolders = VirtualFolders.Select(f => f.Clone()).ToList(),
        Permissions = Permissions.ToDictionary(p => p.Key, p => (IList<string>)new List<string>(p.Value), StringComparer.Ordinal),
        FilePatterns = FilePatterns.Select(f => f.Clone()).ToList(),
        MaxSessions = MaxSessions,
        QuotaSize = QuotaSize,
        QuotaFiles = QuotaFiles,
        UploadBandwidth = UploadBandwidth,
        DownloadBandwidth = DownloadBandwidth,
        MaxUploadFileSize = MaxUploadFileSize,
        AllowedIPs = new List<string>(AllowedIPs),
        DeniedIPs = new List<string>(DeniedIPs),
        DeniedLoginMethods = new List<string>(DeniedLoginMethods),
        RequiredLoginSteps = new List<string>(RequiredLoginSteps),
        Uid = Uid,
        Gid = Gid,
        Role = Role,
        AccessTime = AccessTime.Select(w => w.Clone()).ToList(),
        AccessTimeZone = AccessTimeZone,
        UploadDataTransfer = UploadDataTransfer,
        DownloadDataTransfer = DownloadDataTransfer,
        TotalDataTransfer = TotalDataTransfer,
        DataTransferPeriod = DataTransferPeriod,
        PasswordExpirationDays = PasswordExpirationDays,
        PasswordChangedAt = PasswordChangedAt,
        PasswordStrength = PasswordStrength,
        DeniedProtocols = new List<string>(DeniedProtocols),
        Description = Description,
        Groups = Groups.Select(g => g.Clone()).ToList(),
        Metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal),
        LastLogin = LastLogin,
    };
}

/// <summary>Which storage holds a tree of files, and its settings.</summary>
public sealed class SftpFileSystemConfig
{
    /// <summary>
    /// The provider name: <c>local</c> (default; <see cref="Root"/> is a directory) or <c>memory</c> (an in-memory
    /// tree kept for the life of the process, keyed by <see cref="Root"/>); storage packages register more (e.g. <c>s3</c>).
    /// </summary>
    public string Provider { get; set; } = "local";

    /// <summary>The provider's root: a directory for <c>local</c>, a name for <c>memory</c>, a key prefix for object stores.</summary>
    public string? Root { get; set; }

    /// <summary>Provider-specific settings (e.g. bucket and region for S3).</summary>
    public IDictionary<string, string> Settings { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A deep copy.</summary>
    public SftpFileSystemConfig Clone() => new()
    {
        Provider = Provider,
        Root = Root,
        Settings = new Dictionary<string, string>(Settings, StringComparer.Ordinal),
    };
}

/// <summary>A directory or storage mounted at a virtual path inside an account.</summary>
public sealed class SftpVirtualFolder
{
    /// <summary>A name unique per server; quota usage of a folder with its own quota is kept under this name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Where the folder appears inside the account, e.g. <c>/shared</c> (not <c>/</c>).</summary>
    public string VirtualPath { get; set; } = string.Empty;

    /// <summary>The folder's storage; for local disk, <see cref="SftpFileSystemConfig.Root"/> is the directory.</summary>
    public SftpFileSystemConfig FileSystem { get; set; } = new();

    /// <summary>
    /// Size quota of the folder in bytes. 0 = the folder's files count against the account's own quota;
    /// above 0 = the folder has its own quota (tracked under <see cref="Name"/>) and does not count against the account's.
    /// </summary>
    public long QuotaSize { get; set; }

    /// <summary>File-count quota of the folder; same rules as <see cref="QuotaSize"/>.</summary>
    public long QuotaFiles { get; set; }

    /// <summary>True when the folder keeps its own quota instead of the account's.</summary>
    public bool HasOwnQuota => QuotaSize > 0 || QuotaFiles > 0;

    /// <summary>A deep copy.</summary>
    public SftpVirtualFolder Clone() => new()
    {
        Name = Name,
        VirtualPath = VirtualPath,
        FileSystem = FileSystem.Clone(),
        QuotaSize = QuotaSize,
        QuotaFiles = QuotaFiles,
    };
}

/// <summary>File-name patterns for one directory and its subdirectories (unless a deeper filter is configured).</summary>
public sealed class SftpPathFilter
{
    /// <summary>The virtual directory, e.g. <c>/photos</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>When not empty, only names matching one of these globs (<c>*</c>, <c>?</c>, <c>[a-z]</c>; case-insensitive) are allowed.</summary>
    public IList<string> AllowedPatterns { get; set; } = new List<string>();

    /// <summary>Names matching one of these globs are refused and hidden from listings; checked before <see cref="AllowedPatterns"/>.</summary>
    public IList<string> DeniedPatterns { get; set; } = new List<string>();

    /// <summary>A deep copy.</summary>
    public SftpPathFilter Clone() => new()
    {
        Path = Path,
        AllowedPatterns = new List<string>(AllowedPatterns),
        DeniedPatterns = new List<string>(DeniedPatterns),
    };
}
