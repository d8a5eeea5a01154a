using System.Text.Json;

namespace SftpKit.Accounts.Interchange;

/// <summary>
/// Typed reads of SFTPGo JSON members, and, when an issue list is given, the report of every member that is not
/// taken over (nothing is dropped silently). Without a list (hooks, the compatible API) nothing is reported.
/// </summary>
internal sealed class SftpGoReader
{
    private readonly ICollection<SftpGoImportIssue>? _issues;

    public SftpGoReader(ICollection<SftpGoImportIssue>? issues) => _issues = issues;

    /// <summary>True when issues are collected (an import): unusable values are reported instead of refused.</summary>
    public bool Reporting => _issues is not null;

    public void Report(string path, string reason) => _issues?.Add(new SftpGoImportIssue(path, reason));

    /// <summary>
    /// Reports every member of <paramref name="obj"/> that is neither in <paramref name="mapped"/> nor in
    /// <paramref name="ignored"/> (runtime or informational fields) and holds a value other than its default
    /// (null, false, 0, "", an empty list, or an object of defaults).
    /// </summary>
    public void Unmapped(JsonElement obj, string path, IReadOnlyCollection<string> mapped, IReadOnlyCollection<string>? ignored = null)
    {
        if (_issues is null || obj.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var member in obj.EnumerateObject())
        {
            if (mapped.Contains(member.Name) || (ignored?.Contains(member.Name) ?? false) || IsDefault(member.Value))
            {
                continue;
            }
            Report(Join(path, member.Name), "No equivalent setting here; not imported.");
        }
    }

    /// <summary>Null, false, 0, "", "None", an empty array, or an object whose members are all defaults.</summary>
    public static bool IsDefault(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => true,
        JsonValueKind.Number => value.TryGetDouble(out double d) && d == 0,
        JsonValueKind.String => value.GetString() is "" or "None",
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => value.EnumerateObject().All(m => IsDefault(m.Value)),
        _ => false,
    };

    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    public static JsonElement? Child(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    public static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    public static long? Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetInt64() : null;

    public static bool Bool(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static DateTimeOffset? Time(JsonElement parent, string name) =>
        Long(parent, name) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    public static List<string> StringList(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? Strings(value) : [];

    public static List<string> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() : [];
}
