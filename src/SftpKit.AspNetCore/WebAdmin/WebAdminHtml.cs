using System.Globalization;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>Small pieces of markup the WebAdmin pages share.</summary>
internal static class WebAdminHtml
{
    /// <summary>The validation errors as a list (field: message), or nothing.</summary>
    public static Html Errors(ValidationErrors? errors)
    {
        if (errors is null || errors.IsEmpty)
        {
            return Html.Empty;
        }
        var items = errors.ToDictionary().SelectMany(e => e.Value.Select(m => Html.Of($"<li><strong>{e.Key}</strong>: {m}</li>")));
        return Html.Of($"<div class=\"alert error\" role=\"alert\" id=\"form-errors\"><p>Please correct:</p><ul>{items}</ul></div>");
    }

    /// <summary>A one-line notice (after a redirect: <c>?done=...</c>), or nothing.</summary>
    public static Html Notice(string? text) => text is null ? Html.Empty : Html.Of($"<p class=\"alert ok\" role=\"status\" id=\"notice\">{text}</p>");

    /// <summary>A byte count for people: 1.5 MiB.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = bytes;
        int u = 0;
        while (Math.Abs(v) >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes.ToString(CultureInfo.InvariantCulture) + " B" : v.ToString("0.#", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>A UTC time, to the second.</summary>
    public static string Time(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    /// <summary>A usage bar: <paramref name="used"/> of <paramref name="limit"/> (no bar without a limit).</summary>
    public static Html Usage(long used, long limit, Func<long, string> format)
    {
        if (limit <= 0)
        {
            return Html.Of($"{format(used)} <span class=\"muted\">(no limit)</span>");
        }
        int percent = (int)Math.Clamp(used * 100.0 / limit, 0, 100);
        int step = percent / 5 * 5;
        return Html.Of($"<div class=\"bar w{step}{(percent >= 100 ? " full" : "")}\" role=\"progressbar\" aria-valuenow=\"{percent}\" aria-valuemin=\"0\" aria-valuemax=\"100\"><span></span></div><span class=\"muted\">{format(used)} of {format(limit)} ({percent}%)</span>");
    }
}
