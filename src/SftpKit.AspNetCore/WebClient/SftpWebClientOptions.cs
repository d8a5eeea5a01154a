namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// Settings of the web client (<c>MapSftpWebClient</c>), the pages account holders use to work on their files from a
/// browser. Bound from configuration section <c>SftpKit:WebClient</c>; checked at start.
/// </summary>
public sealed class SftpWebClientOptions
{
    /// <summary>The configuration section the options bind from: <c>SftpKit:WebClient</c>.</summary>
    public const string ConfigurationSection = "SftpKit:WebClient";

    /// <summary>
    /// How long a signed-in session lasts without a request; a request after half of it renews it (sliding). Default 20 minutes;
    /// between 1 minute and 7 days. The session also ends at once when the account is disabled, expires, is deleted or
    /// its password is changed elsewhere.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>The name of the session cookie (HttpOnly, <c>SameSite=Strict</c>, Secure over HTTPS). Default <c>sftpkit-client</c>.</summary>
    public string CookieName { get; set; } = "sftpkit-client";

    /// <summary>
    /// Most files one upload request may carry; further file parts are refused with 413 (files before them are kept).
    /// Default 100; between 1 and 10000. File sizes are not limited here (the account's
    /// <see cref="SftpKit.Accounts.SftpAccount.MaxUploadFileSize"/> and quotas apply, as over SFTP); each file is
    /// streamed to storage through a 64 KiB buffer, never held whole in memory.
    /// </summary>
    public int MaxUploadFiles { get; set; } = 100;

    /// <summary>
    /// Most entries (files and directories) one zip download may hold; a larger selection is refused with 413 before
    /// anything is sent. Default 10000; between 1 and 1000000. The zip is streamed as it is built (no temporary file).
    /// </summary>
    public int MaxZipEntries { get; set; } = 10_000;

    /// <summary>
    /// Deepest directory level a zip download or a recursive delete descends to below the chosen entries; deeper
    /// content refuses the request. Default 32; between 1 and 256.
    /// </summary>
    public int MaxTreeDepth { get; set; } = 32;

    /// <summary>
    /// Whether account holders may change their own password on the profile page. Default true. Never offered to an
    /// account whose <see cref="SftpKit.Accounts.SftpAccount.DeniedLoginMethods"/> contains <c>password</c>.
    /// </summary>
    public bool AllowPasswordChange { get; set; } = true;

    /// <summary>
    /// Whether account holders may add and remove their own authorized SSH keys on the profile page. Default true.
    /// Never offered to an account whose <see cref="SftpKit.Accounts.SftpAccount.DeniedLoginMethods"/> contains
    /// <c>publickey</c>.
    /// </summary>
    public bool AllowPublicKeyChange { get; set; } = true;

    /// <summary>Most authorized keys an account holder may keep through the profile page. Default 100; between 1 and 10000.</summary>
    public int MaxPublicKeys { get; set; } = 100;

    /// <summary>Shortest new password accepted on the profile page, in characters. Default 8; between 1 and 1024.</summary>
    public int MinPasswordLength { get; set; } = 8;
}
