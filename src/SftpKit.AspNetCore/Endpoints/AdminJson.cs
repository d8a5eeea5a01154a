using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// The admin API's own JSON settings (camelCase, strict numbers, unknown members refused), independent of the
/// host's <c>JsonOptions</c> so the wire format does not change with the host's configuration.
/// </summary>
internal static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 32,
        // Set explicitly so GetTypeInfo works before the first (de)serialization, e.g. from the WebAdmin pages.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>"$.virtualFolders[0].name" → "virtualFolders[0].name" (prefixed); "$" → the prefix or "body".</summary>
    public static string FieldFromPath(string? jsonPath, string prefix)
    {
        string path = jsonPath ?? "$";
        path = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('$') ? path[1..] : path;
        if (path.Length == 0)
        {
            return prefix.Length == 0 ? "body" : prefix;
        }
        return prefix.Length == 0 ? path : path.StartsWith('[') ? prefix + path : prefix + "." + path;
    }

    /// <summary>
    /// Reads <paramref name="node"/> as a <typeparamref name="T"/> with <see cref="Options"/>; on a wrong type, an
    /// unknown member or a JSON null the problem is added to <paramref name="errors"/> (at its field, under
    /// <paramref name="prefix"/>) and the result is null. <paramref name="what"/> names the value for the null case
    /// ("An account").
    /// </summary>
    public static T? TryRead<T>(JsonNode node, string prefix, ValidationErrors errors, string what)
        where T : class
    {
        T? value;
        try
        {
            value = node.Deserialize<T>(Options);
        }
        catch (JsonException ex)
        {
            errors.Add(FieldFromPath(ex.Path, prefix), "Wrong type or unknown field.");
            return null;
        }
        if (value is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, what + " must be a JSON object.");
        }
        return value;
    }
}
