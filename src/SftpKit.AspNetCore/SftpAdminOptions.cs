using SftpKit.Admin;

namespace SftpKit.AspNetCore;

/// <summary>
/// Limits of the admin API mapped by <c>MapSftpAdmin</c>. Bound from configuration section
/// <c>SftpKit:Admin</c> when an <c>IConfiguration</c> is registered, then from the callback of <c>AddSftpAdmin</c>.
/// </summary>
public sealed class SftpAdminOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSection = "SftpKit:Admin";

    /// <summary>
    /// Largest JSON body accepted by every endpoint except restore, in bytes; larger bodies get 413 problem details
    /// (checked against Content-Length first, then while reading, so a larger body is never buffered).
    /// Defaults to 1 MiB (1,048,576). Range 1 KiB–64 MiB.
    /// </summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Largest backup document accepted by the restore endpoint, in bytes. Defaults to 64 MiB (67,108,864), the
    /// size limit of <c>JsonFileUserStore</c>. Range 1 KiB–1 GiB.
    /// </summary>
    public long MaxRestoreBodySize { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Quota scans that may run at once; a scan asked for past it gets 429 problem details. Defaults to 4. Range 1–256.
    /// </summary>
    public int MaxConcurrentQuotaScans { get; set; } = 4;

    /// <summary>
    /// Finished quota scans whose status is kept for the status endpoints (oldest dropped first). Defaults to 1000.
    /// Range 0–100,000.
    /// </summary>
    public int QuotaScanHistory { get; set; } = 1000;

    /// <summary>
    /// Data retention checks that may run at once; a check asked for past it gets 429 problem details. Defaults to 2.
    /// Range 1–64.
    /// </summary>
    public int MaxConcurrentRetentionChecks { get; set; } = 2;

    /// <summary>
    /// Finished retention checks whose result is kept for the status endpoints (oldest dropped first; each keeps up
    /// to 1000 deleted paths). Defaults to 100. Range 0–10,000.
    /// </summary>
    public int RetentionCheckHistory { get; set; } = 100;

    /// <summary>
    /// The JSON file roles are kept in (<see cref="SftpKit.Admin.JsonFileSftpRoleStore"/>); null = in memory, lost on
    /// restart. Ignored when another role store is registered (e.g. the SQL one). Defaults to null.
    /// </summary>
    public string? RoleStoreFile { get; set; }

    /// <summary>Largest page of the account and folder lists (<c>limit</c> query parameter). Defaults to 500; the default page is 100.</summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>
    /// Login attempts one client address may make per <see cref="LoginAttemptWindow"/> (fixed window) on the built-in
    /// authentication's login surfaces: every <c>POST /token</c> that carries Basic credentials counts, and every failed
    /// API-key authentication. Past it the client gets 429 problem details with <c>Retry-After</c>, before any password
    /// hash is computed. The address is the connection's remote address (rewritten only by ASP.NET Core's
    /// forwarded-headers middleware for trusted proxies); IPv6 clients are counted per /64 network, which one host
    /// usually holds whole. Applied inside the endpoint and the authentication handler, so it needs no
    /// <c>UseRateLimiter()</c> and does not touch the host's own rate limiter policies. 0 disables it.
    /// Defaults to 10. Range 0–10,000.
    /// </summary>
    public int LoginAttemptLimit { get; set; } = 10;

    /// <summary>The window of <see cref="LoginAttemptLimit"/>. Defaults to 1 minute. Range 1 second–24 hours.</summary>
    public TimeSpan LoginAttemptWindow { get; set; } = TimeSpan.FromMinutes(1);
}
