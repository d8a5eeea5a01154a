using System.Globalization;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// The account form's limits section: access-time windows (one <c>DAY HH:MM-HH:MM</c> line each, the day as 0–6 or
/// Sun–Sat), their time zone, data-transfer caps and period, password expiry and strength, denied protocols.
/// </summary>
internal static class AccountLimitsForm
{
    private static readonly string[] s_days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>The windows of the <c>accessTime</c> textarea as the API's JSON; a line that does not read is an error.</summary>
    public static JsonArray Windows(List<string> lines, ValidationErrors errors)
    {
        var windows = new JsonArray();
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string[] times = parts.Length == 2 ? parts[1].Split('-', StringSplitOptions.TrimEntries) : [];
            int day = parts.Length == 0 ? -1 : Array.FindIndex(s_days, d => d.Equals(parts[0], StringComparison.OrdinalIgnoreCase));
            if (day < 0 && parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                day = n;
            }
            var window = new SftpAccessTimeWindow { DayOfWeek = day, From = times.Length == 2 ? times[0] : "", To = times.Length == 2 ? times[1] : "" };
            if (times.Length != 2 || !window.IsValid())
            {
                errors.Add("accessTime", $"Write each line as DAY HH:MM-HH:MM, e.g. Mon 08:00-18:00 (got '{line}').");
                continue;
            }
            windows.Add(new JsonObject { ["dayOfWeek"] = window.DayOfWeek, ["from"] = window.From, ["to"] = window.To });
        }
        return windows;
    }

    /// <summary>The limits fields, filled from the account JSON.</summary>
    public static Html Fields(JsonObject json)
    {
        static string Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s ?? "" : "";
        string Number(string name) => json[name] is JsonValue v && v.TryGetValue(out long n) && n != 0 ? n.ToString(CultureInfo.InvariantCulture) : "";
        string windows = json["accessTime"] is JsonArray a
            ? string.Join("\n", a.OfType<JsonObject>().Select(w =>
                (w["dayOfWeek"] is JsonValue d && d.TryGetValue(out int day) && day is >= 0 and <= 6 ? s_days[day] : "?") + " " + Str(w["from"]) + "-" + Str(w["to"])))
            : "";
        string period = Str(json["dataTransferPeriod"]) is { Length: > 0 } p ? p : nameof(SftpDataTransferPeriod.None);
        var periods = Enum.GetNames<SftpDataTransferPeriod>().Select(name =>
            Html.Of($"<option value=\"{name}\"{Html.Raw(name.Equals(period, StringComparison.OrdinalIgnoreCase) ? " selected" : "")}>{name}</option>"));
        var denied = json["deniedProtocols"] is JsonArray da ? da.Select(Str).ToList() : [];
        var protocols = SftpAccountLimits.Protocols.Select(protocol => Html.Of(
            $"<label class=\"check\"><input type=\"checkbox\" name=\"deny{protocol}\" id=\"deny{protocol}\"{Html.If(denied.Contains(protocol, StringComparer.OrdinalIgnoreCase), Html.Raw(" checked"))}> Deny {protocol}</label>"));
        return Html.Of($"""
            <h2>Limits</h2>
            <div class="form-grid">
            <div>
            <label for="accessTime">Access times</label>
            <textarea id="accessTime" name="accessTime" placeholder="Mon 08:00-18:00" spellcheck="false">{windows}</textarea>
            <p class="hint">One line per window: <code>DAY HH:MM-HH:MM</code> (Sun–Sat); empty = any time.</p>
            <label for="accessTimeZone">Time zone of the windows</label>
            <input type="text" id="accessTimeZone" name="accessTimeZone" value="{Str(json["accessTimeZone"])}" placeholder="UTC" spellcheck="false">
            {protocols}
            </div>
            <div>
            <label for="uploadDataTransfer">Upload cap (MiB per period, 0 = none)</label>
            <input type="number" min="0" id="uploadDataTransfer" name="uploadDataTransfer" value="{Number("uploadDataTransfer")}">
            <label for="downloadDataTransfer">Download cap (MiB per period, 0 = none)</label>
            <input type="number" min="0" id="downloadDataTransfer" name="downloadDataTransfer" value="{Number("downloadDataTransfer")}">
            <label for="totalDataTransfer">Total cap (MiB per period, 0 = none; replaces the two above)</label>
            <input type="number" min="0" id="totalDataTransfer" name="totalDataTransfer" value="{Number("totalDataTransfer")}">
            <label for="dataTransferPeriod">Period</label>
            <select id="dataTransferPeriod" name="dataTransferPeriod">{periods}</select>
            </div>
            <div>
            <label for="passwordExpirationDays">Password expires after (days, 0 = never)</label>
            <input type="number" min="0" id="passwordExpirationDays" name="passwordExpirationDays" value="{Number("passwordExpirationDays")}">
            <label for="passwordStrength">Minimum password entropy (bits, 0 = any)</label>
            <input type="number" min="0" max="256" id="passwordStrength" name="passwordStrength" value="{Number("passwordStrength")}">
            </div>
            </div>
            """);
    }
}
