namespace SftpKit.Accounts;

/// <summary>
/// Settings shared by the accounts that belong to the group (<see cref="SftpAccount.Groups"/>), kept by an
/// <see cref="ISftpGroupStore"/>. At every login the account's effective settings are computed from the account and
/// its groups (see <see cref="SftpEffectiveAccount"/> for the exact rules): a change to a group reaches its members at
/// their next login. Paths (<see cref="HomeDirectory"/>, storage and folder roots, folder mount paths) may hold
/// <c>%username%</c> and <c>%role%</c>, replaced by the member's user name and role. Zero means "not set" for every
/// number, as for an account.
/// </summary>
public sealed class SftpGroup
{
    /// <summary>The name, unique per server (1–255 characters, no control characters, <c>/</c> or <c>\</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text for operators.</summary>
    public string? Description { get; set; }

    /// <summary>Home directory template (e.g. <c>/srv/sftp/%username%</c>); from a primary group it replaces the member's.</summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Storage; from a primary group, a provider other than <c>local</c> replaces the member's storage.</summary>
    public SftpFileSystemConfig? FileSystem { get; set; }

    /// <summary>Folders mounted into every member that has nothing mounted at the same path.</summary>
    public IList<SftpVirtualFolder> VirtualFolders { get; set; } = new List<SftpVirtualFolder>();

    /// <summary>Permissions per virtual directory, added for paths the member has none for (<c>/</c> from a primary group only).</summary>
    public IDictionary<string, IList<string>> Permissions { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>File-name patterns per directory, added for paths the member has none for (<c>/</c> from a primary group only).</summary>
    public IList<SftpPathFilter> FilePatterns { get; set; } = new List<SftpPathFilter>();

    /// <summary>Maximum concurrent sessions; from a primary group, used when the member's is 0.</summary>
    public int MaxSessions { get; set; }

    /// <summary>Size quota in bytes; from a primary group, used when the member's is 0.</summary>
    public long QuotaSize { get; set; }

    /// <summary>File-count quota; from a primary group, used when the member's is 0.</summary>
    public long QuotaFiles { get; set; }

    /// <summary>Upload bandwidth in KiB/s; from a primary group, used when the member's is 0.</summary>
    public long UploadBandwidth { get; set; }

    /// <summary>Download bandwidth in KiB/s; from a primary group, used when the member's is 0.</summary>
    public long DownloadBandwidth { get; set; }

    /// <summary>Largest single upload in bytes; from a primary group, used when the member's is 0.</summary>
    public long MaxUploadFileSize { get; set; }

    /// <summary>Source networks allowed to log in, appended to the member's list.</summary>
    public IList<string> AllowedIPs { get; set; } = new List<string>();

    /// <summary>Source networks refused, appended to the member's list.</summary>
    public IList<string> DeniedIPs { get; set; } = new List<string>();

    /// <summary>SSH methods members may not log in with, appended to the member's list.</summary>
    public IList<string> DeniedLoginMethods { get; set; } = new List<string>();

    /// <summary>A deep copy.</summary>
    public SftpGroup Clone() => new()
    {
        Name = Name,
        Description = Description,
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
    };
}
