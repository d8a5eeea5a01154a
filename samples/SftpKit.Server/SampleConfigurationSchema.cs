using System.Text.Json;
using System.Text.Json.Nodes;

namespace SftpKit.Server;

/// <summary>
/// The JSON schema (draft 2020-12) of <c>sftpkit.json</c>, generated from <see cref="SampleConfigurationModel"/>:
/// objects list their properties and allow no others (an editor flags a typo as the start-up check does), lists and
/// maps describe their items, and plain values their JSON type (a TimeSpan is a <c>[d.]hh:mm:ss</c> string, an enum
/// one of its names). <c>sftpkit config-schema</c> prints it; samples/SftpKit.Server/sftpkit.schema.json is its output,
/// kept current by a test.
/// </summary>
internal static class SampleConfigurationSchema
{
    public const string TimeSpanPattern = @"^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?$";

    public static string Generate()
    {
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "SftpKit sample server configuration (sftpkit.json)",
            ["description"] = "Keys under SftpKit; every other top-level section (Kestrel, ...) is passed to the host unchecked.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string" },
                ["SftpKit"] = Node(SampleConfigurationModel.Root()),
            },
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonObject Node(SampleConfigurationModel node)
    {
        switch (node.Kind)
        {
            case SampleConfigurationModel.NodeKind.Object:
                var properties = new JsonObject();
                foreach (var (name, child) in node.Children)
                {
                    properties[name] = Node(child);
                }
                return new JsonObject { ["type"] = new JsonArray("object", "null"), ["properties"] = properties, ["additionalProperties"] = false };
            case SampleConfigurationModel.NodeKind.List:
                return new JsonObject { ["type"] = new JsonArray("array", "null"), ["items"] = Node(node.Item!) };
            case SampleConfigurationModel.NodeKind.Map:
                return new JsonObject { ["type"] = new JsonArray("object", "null"), ["additionalProperties"] = Node(node.Item!) };
            case SampleConfigurationModel.NodeKind.Scalar:
                return Scalar(Nullable.GetUnderlyingType(node.Type) ?? node.Type);
            default:
                return new JsonObject();
        }
    }

    private static JsonObject Scalar(Type type)
    {
        if (type.IsEnum)
        {
            var names = new JsonArray();
            foreach (string name in Enum.GetNames(type))
            {
                names.Add(name);
            }
            // Configuration also takes the numbers and any letter case; the schema names the spelling to use.
            return new JsonObject { ["enum"] = names };
        }
        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = new JsonArray("boolean", "string") };
        }
        if (type == typeof(byte) || type == typeof(short) || type == typeof(int) || type == typeof(long) || type == typeof(ushort)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(sbyte))
        {
            return new JsonObject { ["type"] = new JsonArray("integer", "string") };
        }
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new JsonObject { ["type"] = new JsonArray("number", "string") };
        }
        if (type == typeof(TimeSpan))
        {
            return new JsonObject { ["type"] = new JsonArray("string", "null"), ["pattern"] = TimeSpanPattern };
        }
        return new JsonObject { ["type"] = new JsonArray("string", "null") };
    }
}
