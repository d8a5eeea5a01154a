namespace SftpKit.Policies;

/// <summary>Which accounts' quota usage is tracked.</summary>
public enum SftpQuotaTracking
{
    /// <summary>No tracking and no enforcement.</summary>
    Off,
    /// <summary>Track every account (usage is visible even without a quota).</summary>
    Always,
    /// <summary>Track only accounts (and folders) that have a quota. The default.</summary>
    OnlyLimited,
}

/// <summary>
/// Server-wide policy settings, applied to every login whatever authenticated it (the session pipeline: account store
/// accounts, in-memory users, a host's own authenticator). Bound from configuration section <c>SftpKit:Policies</c>.
/// </summary>
public sealed class SftpPolicyOptions
{
    /// <summary>Quota tracking mode. Default <see cref="SftpQuotaTracking.OnlyLimited"/>.</summary>
    public SftpQuotaTracking QuotaTracking { get; set; } = SftpQuotaTracking.OnlyLimited;

    /// <summary>Server-wide upload bandwidth in KiB/s across every session; 0 (default) = unlimited.</summary>
    public long MaxUploadBandwidth { get; set; }

    /// <summary>Server-wide download bandwidth in KiB/s across every session; 0 (default) = unlimited.</summary>
    public long MaxDownloadBandwidth { get; set; }

    /// <summary>Create a local home directory on first login when it is missing. Default true.</summary>
    public bool CreateHomeDirectories { get; set; } = true;

    /// <summary>
    /// The umask of local (and <c>crypt</c>) storage, as an octal string from <c>0</c> to <c>0777</c> (<c>"022"</c> and
    /// <c>"0022"</c> are the same): permission bits cleared from every file and directory created for a client (the mode
    /// the client asks for, 0644 for files without one, 0755 for directories). An account's local storage setting
    /// <c>umask</c> replaces it for that account. Default <c>"022"</c>; another value fails the start.
    /// </summary>
    public string Umask { get; set; } = "022";

    /// <summary>Largest number of entries a quota scan visits before it stops with an error. Default 10,000,000.</summary>
    public long MaxScanEntries { get; set; } = 10_000_000;
}
