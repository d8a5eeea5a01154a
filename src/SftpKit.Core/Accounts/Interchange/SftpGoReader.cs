using System.Text.Json;

namespace SftpKit.Accounts.Interchange;

/// <summary>
/// Typed reads of SFTPGo JSON members, and, when an issue list is given, the report of every member that is not
/// taken over (nothing is dropped silently). Without a list (hooks, the compatible API) nothing is reported. Used by
/// <see cref="SftpGoUserJson"/> and the admin package's backup import; public for hosts that read other parts of
/// SFTPGo's JSON with the same rules.
/// </summary>
public sealed class SftpGoReader
{
    private readonly ICollection<SftpGoImportIssue>? _issues;

    /// <param name="issues">Where unmapped members and unusable values are reported; null reports nothing.</param>
    public SftpGoReader(ICollection<SftpGoImportIssue>? issues) => _issues = issues;

    /// <summary>True when issues are collected (an import): unusable values are reported instead of refused.</summary>
    public bool Reporting => _issues is not null;

    /// <summary>Adds an issue at <paramref name="path"/> (dotted member path) when issues are collected.</summary>
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

    /// <summary>The dotted member path of <paramref name="name"/> under <paramref name="path"/>.</summary>
    public static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    /// <summary>The member when it is an object, else null.</summary>
    public static JsonElement? Child(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    /// <summary>The member as a string; null when missing or null.</summary>
    public static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    /// <summary>The member as a 64-bit integer; null when missing or null.</summary>
    public static long? Long(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetInt64() : null;

    /// <summary>True only when the member is the JSON literal <c>true</c>.</summary>
    public static bool Bool(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The member as Unix milliseconds; null when missing, null or not positive.</summary>
    public static DateTimeOffset? Time(JsonElement parent, string name) =>
        Long(parent, name) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The member as a list of strings; empty when missing or not an array.</summary>
    public static List<string> StringList(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? Strings(value) : [];

    /// <summary>An array of strings as a list; empty when not an array.</summary>
    public static List<string> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() : [];
}
