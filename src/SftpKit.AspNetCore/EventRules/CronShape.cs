namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Checks the shape of a five-field cron expression (minute hour day-of-month month day-of-week): five fields, each a
/// list of <c>*</c>, numbers, ranges, steps or names, in range. The rule engine parses it (Cronos) when it schedules.
/// </summary>
internal static class CronShape
{
    private static readonly (int Min, int Max, string[]? Names)[] s_fields =
    [
        (0, 59, null),
        (0, 23, null),
        (1, 31, null),
        (1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        (0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ];

    private static readonly string[] s_names = ["minute", "hour", "day of month", "month", "day of week"];

    /// <summary>Null when <paramref name="cron"/> has the right shape, else what is wrong.</summary>
    public static string? Check(string? cron)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return "A cron expression is required.";
        }
        if (cron.Length > 256)
        {
            return "At most 256 characters.";
        }
        string[] fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return "Must have five fields: minute hour day-of-month month day-of-week.";
        }
        for (int i = 0; i < 5; i++)
        {
            if (!FieldOk(fields[i], s_fields[i].Min, s_fields[i].Max, s_fields[i].Names, allowQuestion: i is 2 or 4))
            {
                return $"The {s_names[i]} field '{fields[i]}' is not valid.";
            }
        }
        return null;
    }

    private static bool FieldOk(string field, int min, int max, string[]? names, bool allowQuestion)
    {
        foreach (string item in field.Split(','))
        {
            string range = item;
            int slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(item[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int step) || step < 1 || step > max)
                {
                    return false;
                }
                range = item[..slash];
            }
            if (range is "*" || (allowQuestion && range is "?" && slash < 0))
            {
                continue;
            }
            string[] bounds = range.Split('-');
            if (bounds.Length > 2)
            {
                return false;
            }
            int? low = Value(bounds[0], min, max, names);
            int? high = bounds.Length == 2 ? Value(bounds[1], min, max, names) : low;
            if (low is null || high is null || high < low)
            {
                return false;
            }
        }
        return true;
    }

    private static int? Value(string text, int min, int max, string[]? names)
    {
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v))
        {
            return v >= min && v <= max ? v : null;
        }
        if (names is not null)
        {
            int index = Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index + (min == 1 ? 1 : 0);
            }
        }
        return null;
    }
}
