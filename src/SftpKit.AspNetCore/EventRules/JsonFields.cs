using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Reads snake_case JSON objects member by member, adding a field error (at its JSON path) for a wrong type or an
/// unknown member instead of throwing. JSON null reads as absent.
/// </summary>
internal sealed class JsonFields
{
    /// <summary>Most items any list of a rule or an action may hold: 1000.</summary>
    public const int MaxItems = 1000;

    /// <summary>Longest text member (bodies, templates): 64 KiB.</summary>
    public const int MaxText = 64 * 1024;

    public JsonFields(ValidationErrors errors) => Errors = errors;

    public ValidationErrors Errors { get; }

    public static string Path(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>
    /// <paramref name="node"/> as an object whose members are all in <paramref name="known"/> (or
    /// <paramref name="ignored"/>: accepted for compatibility, not read); else an error and null.
    /// </summary>
    public JsonObject? Object(JsonNode? node, string path, string what, string[] known, string[]? ignored = null)
    {
        if (node is not JsonObject obj)
        {
            Errors.Add(path.Length == 0 ? "body" : path, what + " must be a JSON object.");
            return null;
        }
        foreach (var member in obj)
        {
            if (!known.Contains(member.Key, StringComparer.Ordinal) && (ignored is null || !ignored.Contains(member.Key, StringComparer.Ordinal)))
            {
                Errors.Add(Path(path, member.Key), "Unknown field.");
            }
        }
        return obj;
    }

    /// <summary>An optional member that must be an object when present.</summary>
    public JsonObject? OptionalObject(JsonObject parent, string name, string prefix, string what, string[] known, string[]? ignored = null) =>
        parent[name] is null ? null : Object(parent[name], Path(prefix, name), what, known, ignored);

    public string? String(JsonObject obj, string name, string prefix, int maxLength = MaxText)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            string s = value.GetValue<string>();
            if (s.Length > maxLength)
            {
                Errors.Add(Path(prefix, name), $"At most {maxLength} characters.");
            }
            return s;
        }
        Errors.Add(Path(prefix, name), "Must be a string.");
        return null;
    }

    public long? Long(JsonObject obj, string name, string prefix)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out long l))
        {
            return l;
        }
        if (node is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && long.TryParse(number.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
        {
            return l;
        }
        Errors.Add(Path(prefix, name), "Must be an integer.");
        return null;
    }

    public int? Int(JsonObject obj, string name, string prefix)
    {
        long? l = Long(obj, name, prefix);
        if (l is null)
        {
            return null;
        }
        if (l is < int.MinValue or > int.MaxValue)
        {
            Errors.Add(Path(prefix, name), "Out of range.");
            return null;
        }
        return (int)l;
    }

    public bool Bool(JsonObject obj, string name, string prefix)
    {
        var node = obj[name];
        if (node is null)
        {
            return false;
        }
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }
        Errors.Add(Path(prefix, name), "Must be true or false.");
        return false;
    }

    /// <summary>The array member's items (at most <see cref="MaxItems"/>), or empty.</summary>
    public List<(JsonNode? Node, string Path)> Array(JsonObject obj, string name, string prefix)
    {
        var list = new List<(JsonNode?, string)>();
        var node = obj[name];
        if (node is null)
        {
            return list;
        }
        string path = Path(prefix, name);
        if (node is not JsonArray array)
        {
            Errors.Add(path, "Must be an array.");
            return list;
        }
        if (array.Count > MaxItems)
        {
            Errors.Add(path, $"At most {MaxItems} items.");
            return list;
        }
        for (int i = 0; i < array.Count; i++)
        {
            list.Add((array[i], $"{path}[{i}]"));
        }
        return list;
    }

    /// <summary>An array of non-empty strings (trimmed), or empty.</summary>
    public List<string> Strings(JsonObject obj, string name, string prefix, int maxLength = NameRules.MaxPathLength)
    {
        var list = new List<string>();
        foreach (var (node, path) in Array(obj, name, prefix))
        {
            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                string s = value.GetValue<string>().Trim();
                if (s.Length == 0)
                {
                    Errors.Add(path, "Must not be empty.");
                }
                else if (s.Length > maxLength)
                {
                    Errors.Add(path, $"At most {maxLength} characters.");
                }
                else if (s.Any(char.IsControl))
                {
                    Errors.Add(path, "Must not contain control characters.");
                }
                else
                {
                    list.Add(s);
                }
                continue;
            }
            Errors.Add(path, "Must be a string.");
        }
        return list;
    }

    /// <summary>An array of <c>{key, value}</c> objects, both required.</summary>
    public List<SftpKit.Events.Rules.SftpKeyValue> KeyValues(JsonObject obj, string name, string prefix)
    {
        var list = new List<SftpKit.Events.Rules.SftpKeyValue>();
        foreach (var (node, path) in Array(obj, name, prefix))
        {
            if (Object(node, path, "A key/value pair", ["key", "value"]) is not { } pair)
            {
                continue;
            }
            string key = String(pair, "key", path, NameRules.MaxPathLength)?.Trim() ?? "";
            string value = String(pair, "value", path) ?? "";
            if (key.Length == 0 || value.Length == 0)
            {
                Errors.Add(path, "Both key and value are required.");
                continue;
            }
            if (key.Any(char.IsControl))
            {
                Errors.Add(Path(path, "key"), "Must not contain control characters.");
                continue;
            }
            list.Add(new() { Key = key, Value = value });
        }
        return list;
    }

    public static JsonArray KeyValuesNode(IEnumerable<SftpKit.Events.Rules.SftpKeyValue> pairs) =>
        new(pairs.Select(p => (JsonNode)new JsonObject { ["key"] = p.Key, ["value"] = p.Value }).ToArray());

    public static JsonArray StringsNode(IEnumerable<string> items) => new(items.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
}
