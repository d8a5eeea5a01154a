using System.Globalization;

namespace SftpKit.Accounts;

/// <summary>
/// One weekly window in which an account may log in (SFTPGo's <c>access_time</c> entry): a day of the week and a
/// <c>HH:MM</c>–<c>HH:MM</c> interval, both ends included, read in the account's <see cref="SftpAccount.AccessTimeZone"/>.
/// </summary>
public sealed class SftpAccessTimeWindow
{
    /// <summary>The day: 0 = Sunday … 6 = Saturday (SFTPGo's <c>day_of_week</c>, the same numbers as <see cref="System.DayOfWeek"/>).</summary>
    public int DayOfWeek { get; set; }

    /// <summary>Start, <c>HH:MM</c> on a 24-hour clock (e.g. <c>08:00</c>).</summary>
    public string From { get; set; } = "00:00";

    /// <summary>End, <c>HH:MM</c> on a 24-hour clock, not before <see cref="From"/> (e.g. <c>18:30</c>; the whole minute is included).</summary>
    public string To { get; set; } = "23:59";

    /// <summary>A copy.</summary>
    public SftpAccessTimeWindow Clone() => (SftpAccessTimeWindow)MemberwiseClone();

    /// <summary>True when the day is 0–6 and both times read as <c>HH:MM</c> with <see cref="From"/> not after <see cref="To"/>.</summary>
    public bool IsValid() =>
        DayOfWeek is >= 0 and <= 6 && TryParseTime(From, out var from) && TryParseTime(To, out var to) && from <= to;

    /// <summary>True when <paramref name="local"/> (already in the window's time zone) falls inside the window.</summary>
    public bool Contains(DateTime local)
    {
        if ((int)local.DayOfWeek != DayOfWeek || !TryParseTime(From, out var from) || !TryParseTime(To, out var to))
        {
            return false;
        }
        var minute = new TimeOnly(local.Hour, local.Minute);
        return minute >= from && minute <= to;
    }

    /// <summary>Reads <c>HH:MM</c> (two digits each, 00:00–23:59).</summary>
    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
