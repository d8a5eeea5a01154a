using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts.Interchange;
using SftpKit.AspNetCore.EventRules;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Backup;

internal static partial class SftpGoBackupConverter
{
    // The shapes a backup document holds event actions and rules in (enums as numbers).
    private static readonly JsonSerializerOptions s_backupJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    // Members whose default value still means something (status 0 = inactive).
    private static readonly string[] s_keep = ["name", "type", "trigger", "status"];

    /// <summary>
    /// Event actions and rules through the admin API's own readers (the same snake_case shapes), after leaving out
    /// members at their defaults (an export writes every member of every block). An object the readers refuse is
    /// reported with the readers' messages, and so is a rule naming an action that was not imported.
    /// </summary>
    private static (JsonArray Actions, JsonArray Rules) ConvertEventRules(JsonElement dump, List<SftpGoImportIssue> issues, IReadOnlySet<string> knownActions)
    {
        var actions = new JsonArray();
        var actionNames = new HashSet<string>(knownActions, StringComparer.Ordinal);
        foreach (var (item, i) in Items(dump, "event_actions"))
        {
            var node = Strip(JsonNode.Parse(item.GetRawText()));
            var errors = new ValidationErrors();
            var action = EventActionJson.Read(node, errors, existing: null);
            if (action is null)
            {
                Refused(issues, $"event_actions[{i}]", $"Event action '{SftpGoReader.String(item, "name")}' not imported", errors);
                continue;
            }
            actionNames.Add(action.Name);
            actions.Add(JsonSerializer.SerializeToNode(action, s_backupJson));
        }
        var rules = new JsonArray();
        foreach (var (item, i) in Items(dump, "event_rules"))
        {
            var node = Strip(JsonNode.Parse(item.GetRawText()));
            var errors = new ValidationErrors();
            var rule = EventRuleJson.Read(node, errors, actionNames);
            if (rule is null)
            {
                Refused(issues, $"event_rules[{i}]", $"Event rule '{SftpGoReader.String(item, "name")}' not imported", errors);
                continue;
            }
            rules.Add(JsonSerializer.SerializeToNode(rule, s_backupJson));
        }
        return (actions, rules);
    }

    private static void Refused(List<SftpGoImportIssue> issues, string path, string what, ValidationErrors errors)
    {
        var messages = errors.ToDictionary();
        if (messages.Count == 0)
        {
            issues.Add(new(path, what + "."));
            return;
        }
        foreach (var (field, reasons) in messages)
        {
            string at = field is "" or "body" ? path : path + "." + field;
            issues.Add(new(at, $"{what}: {string.Join(" ", reasons)}"));
        }
    }

    /// <summary>Removes, recursively, object members at their defaults (null, false, 0, "", [], {}), except <see cref="s_keep"/>.</summary>
    private static JsonNode? Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    var stripped = Strip(value);
                    if (!s_keep.Contains(name, StringComparer.Ordinal) && IsDefault(stripped))
                    {
                        obj.Remove(name);
                    }
                }
                return obj;
            case JsonArray array:
                foreach (var item in array)
                {
                    Strip(item);
                }
                return array;
            default:
                return node;
        }
    }

    private static bool IsDefault(JsonNode? node) => node switch
    {
        null => true,
        JsonObject obj => obj.Count == 0,
        JsonArray array => array.Count == 0,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => true,
            JsonValueKind.Number => double.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) && d == 0,
            JsonValueKind.String => value.GetValue<string>().Length == 0,
            _ => false,
        },
        _ => false,
    };
}
