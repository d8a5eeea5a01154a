namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// Settings of the WebAdmin pages mapped by <c>MapSftpWebAdmin</c>. Bound from configuration section
/// <c>SftpKit:WebAdmin</c> when an <c>IConfiguration</c> is registered, then from the callback of
/// <c>AddSftpWebAdmin</c>; checked at start.
/// </summary>
public sealed class SftpWebAdminOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSection = "SftpKit:WebAdmin";

    /// <summary>
    /// How long a signed-in admin's session lasts without a request. It slides: a request made after half of it has
    /// passed renews it. Defaults to 20 minutes. Range 1 minute–24 hours.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// The name of the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS). Defaults to <c>sftpkit-admin</c>,
    /// distinct from the WebClient's. 1–64 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.
    /// </summary>
    public string CookieName { get; set; } = "sftpkit-admin";

    /// <summary>Rows per page of the account list. Defaults to 50. Range 5–500.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>
    /// While the admin store holds no admin, the WebAdmin offers a one-time setup page that creates the first admin
    /// with every permission, to requests from a loopback address only (a browser on the server itself, or through an
    /// SSH tunnel). False turns the page off (create the first admin another way). Defaults to true.
    /// </summary>
    public bool AllowFirstAdminSetup { get; set; } = true;
}
