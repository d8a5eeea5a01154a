namespace SftpKit.AspNetCore.WebClient;

/// <summary>Fixed names of the web client.</summary>
public static class SftpWebClientDefaults
{
    /// <summary>
    /// The cookie authentication scheme of account holders' web sessions, <c>SftpKit.WebClient</c>: separate from the
    /// admin API's bearer tokens and from the admin pages' session.
    /// </summary>
    public const string AuthenticationScheme = "SftpKit.WebClient";
}
