namespace SftpKit.Accounts;

/// <summary>
/// The login-time rules of an account's limits, shared by the login pipeline and the admin pages: the protocol names
/// of <see cref="SftpAccount.DeniedProtocols"/>, password expiry and access-time windows.
/// </summary>
public static class SftpAccountLimits
{
    /// <summary><c>SSH</c>: SFTP, SCP and commands over SSH.</summary>
    public const string ProtocolSsh = "SSH";

    /// <summary><c>HTTP</c>: the web client (and its API).</summary>
    public const string ProtocolHttp = "HTTP";

    /// <summary>The login method name of password logins.</summary>
    internal const string PasswordMethod = "password";

    /// <summary>The protocol names <see cref="SftpAccount.DeniedProtocols"/> accepts.</summary>
    public static IReadOnlyList<string> Protocols { get; } = [ProtocolSsh, ProtocolHttp];

    /// <summary>
    /// True when the account's password has expired at <paramref name="now"/>: <see cref="SftpAccount.PasswordExpirationDays"/>
    /// is set and at least that many days have passed since <see cref="SftpAccount.PasswordChangedAt"/> (an unrecorded
    /// change never expires).
    /// </summary>
    public static bool IsPasswordExpired(SftpAccount account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.PasswordExpirationDays > 0 && account.PasswordChangedAt is { } changed
            && now >= changed.AddDays(account.PasswordExpirationDays);
    }

    /// <summary>
    /// Why the account may not log in at <paramref name="now"/> under its <see cref="SftpAccount.AccessTime"/>, or null
    /// (no windows, or one holds the time in <see cref="SftpAccount.AccessTimeZone"/>). An unknown time zone refuses.
    /// </summary>
    public static string? AccessTimeRefusal(SftpAccount account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.AccessTime.Count == 0)
        {
            return null;
        }
        if (!TryFindTimeZone(account.AccessTimeZone, out var zone))
        {
            return "unknown access time zone";
        }
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        return account.AccessTime.Any(w => w.Contains(local)) ? null : "outside the access time windows";
    }

    /// <summary>Finds a time zone by IANA or Windows id; null or empty is UTC.</summary>
    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        if (string.IsNullOrEmpty(id))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone!);
    }
}
