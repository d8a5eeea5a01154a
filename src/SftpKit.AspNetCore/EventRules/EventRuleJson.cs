using System.Text.Json.Nodes;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Event rules in the admin API's JSON: the snake_case shape of the SFTPGo event rule (<c>name</c>, <c>status</c> 1/0,
/// <c>description</c>, numeric <c>trigger</c>, <c>conditions</c> with <c>fs_events</c>, <c>provider_events</c>,
/// <c>schedules</c> and <c>options</c>, <c>actions</c> as <c>{name, order, relation_options}</c>). SftpKit adds
/// <c>conditions.session_events</c> (trigger 100) and, in a schedule, <c>minute</c> and <c>time_zone</c> (SFTPGo's
/// schedules run at minute 0, in UTC).
/// </summary>
internal static class EventRuleJson
{
    /// <summary>File-system events a rule may name.</summary>
    public static readonly string[] FsEvents = ["upload", "pre-upload", "first-upload", "download", "pre-download", "first-download",
        "delete", "pre-delete", "rename", "mkdir", "rmdir", "copy", "ssh_cmd"];

    /// <summary>Provider events a rule may name.</summary>
    public static readonly string[] ProviderEvents = ["add", "update", "delete"];

    /// <summary>Provider objects a rule may name.</summary>
    public static readonly string[] ProviderObjects = [SftpProviderEvents.User, SftpProviderEvents.Folder, SftpProviderEvents.Group,
        SftpProviderEvents.Admin, SftpProviderEvents.ApiKey, SftpProviderEvents.Share, SftpProviderEvents.EventRule, SftpProviderEvents.EventAction, SftpProviderEvents.Role];

    /// <summary>Session events a rule may name.</summary>
    public static readonly string[] SessionEvents = ["login", "login-failed", "connect", "disconnect"];

    /// <summary>Protocols a condition may name.</summary>
    public static readonly string[] Protocols = [SftpEventProtocol.Sftp, SftpEventProtocol.Scp, SftpEventProtocol.Ssh, SftpEventProtocol.Http];

    private static readonly string[] s_syncEvents = ["upload", "pre-upload", "pre-download", "pre-delete"];

    /// <summary>
    /// Reads and checks a rule body. <paramref name="actionNames"/> are the stored actions' names: a rule naming another
    /// is refused. Null with <paramref name="errors"/> filled when it is not valid.
    /// </summary>
    public static SftpEventRule? Read(JsonNode? node, ValidationErrors errors, IReadOnlySet<string> actionNames)
    {
        var f = new JsonFields(errors);
        if (f.Object(node, "", "An event rule", ["name", "status", "description", "trigger", "conditions", "actions"], ["id", "created_at", "updated_at"]) is not { } obj)
        {
            return null;
        }
        var rule = new SftpEventRule
        {
            Name = f.String(obj, "name", "", NameRules.MaxNameLength) ?? "",
            Description = f.String(obj, "description", "", AccountValidator.MaxDescriptionLength) is { Length: > 0 } d ? d : null,
        };
        if (NameRules.CheckUserName(rule.Name) is { } nameError)
        {
            errors.Add("name", "The rule name " + nameError);
        }
        int status = f.Int(obj, "status", "") ?? 1;
        if (status is not (0 or 1))
        {
            errors.Add("status", "Must be 1 (active) or 0 (inactive).");
        }
        rule.Enabled = status == 1;
        int? trigger = f.Int(obj, "trigger", "");
        if (trigger is null || !Enum.IsDefined((SftpEventTrigger)trigger.Value))
        {
            errors.Add("trigger", trigger is null
                ? "The trigger is required (1 file system, 2 provider, 3 schedule, 4 IP blocked, 6 on demand, 100 session)."
                : $"Trigger {trigger} is not supported by this server.");
            return null;
        }
        rule.Trigger = (SftpEventTrigger)trigger.Value;
        var conditions = obj["conditions"] is null
            ? new JsonObject()
            : f.Object(obj["conditions"], "conditions", "The conditions", ["fs_events", "provider_events", "schedules", "options", "session_events"], ["idp_login_event"]);
        if (conditions is not null)
        {
            ReadConditions(f, rule, conditions);
        }
        ReadActions(f, rule, obj, actionNames);
        return errors.IsEmpty ? rule : null;
    }

    private static void ReadConditions(JsonFields f, SftpEventRule rule, JsonObject o)
    {
        var c = rule.Conditions;
        var errors = f.Errors;
        switch (rule.Trigger)
        {
            case SftpEventTrigger.FileSystem:
                c.FsEvents = Names(f, o, "fs_events", "conditions", FsEvents, "file-system event");
                break;
            case SftpEventTrigger.Provider:
                c.ProviderEvents = Names(f, o, "provider_events", "conditions", ProviderEvents, "provider event");
                break;
            case SftpEventTrigger.Session:
                c.SessionEvents = Names(f, o, "session_events", "conditions", SessionEvents, "session event");
                break;
            case SftpEventTrigger.Schedule:
                foreach (var (node, path) in f.Array(o, "schedules", "conditions"))
                {
                    if (ReadSchedule(f, node, path) is { } schedule)
                    {
                        c.Schedules.Add(schedule);
                    }
                }
                if (c.Schedules.Count == 0 && !errors.Has("conditions.schedules"))
                {
                    errors.Add("conditions.schedules", "At least one schedule is required.");
                }
                break;
        }
        var options = f.OptionalObject(o, "options", "conditions", "The condition options",
            ["names", "group_names", "role_names", "fs_paths", "protocols", "provider_objects", "min_size", "max_size", "event_statuses", "concurrent_execution"]);
        if (options is null)
        {
            return;
        }
        const string p = "conditions.options";
        c.Names = Patterns(f, options, "names", p);
        c.GroupNames = Patterns(f, options, "group_names", p);
        c.RoleNames = Patterns(f, options, "role_names", p);
        c.ConcurrentExecution = f.Bool(options, "concurrent_execution", p);
        if (rule.Trigger == SftpEventTrigger.Provider)
        {
            c.ProviderObjects = Names(f, options, "provider_objects", p, ProviderObjects, "provider object", required: false);
        }
        if (rule.Trigger is SftpEventTrigger.FileSystem or SftpEventTrigger.Session)
        {
            c.Protocols = Names(f, options, "protocols", p, Protocols, "protocol", required: false);
        }
        if (rule.Trigger == SftpEventTrigger.FileSystem)
        {
            c.FsPaths = Patterns(f, options, "fs_paths", p);
            c.MinFileSize = f.Long(options, "min_size", p) ?? 0;
            c.MaxFileSize = f.Long(options, "max_size", p) ?? 0;
            if (c.MinFileSize < 0)
            {
                errors.Add(p + ".min_size", "Must be 0 or more bytes.");
            }
            if (c.MaxFileSize < 0)
            {
                errors.Add(p + ".max_size", "Must be 0 or more bytes.");
            }
            if (c.MinFileSize > 0 && c.MaxFileSize > 0 && c.MaxFileSize <= c.MinFileSize)
            {
                errors.Add(p + ".max_size", "Must be greater than min_size.");
            }
        }
        if (rule.Trigger is SftpEventTrigger.FileSystem or SftpEventTrigger.Session)
        {
            foreach (var (node, path) in f.Array(options, "event_statuses", p))
            {
                // 1 ok, 2 failed, 3 quota exceeded (a refused operation here).
                if (node is JsonValue v && v.TryGetValue<int>(out int status) && status is >= 1 and <= 3)
                {
                    var mapped = status switch { 1 => SftpEventStatus.Ok, 2 => SftpEventStatus.Failed, _ => SftpEventStatus.Denied };
                    if (!c.EventStatuses.Contains(mapped))
                    {
                        c.EventStatuses.Add(mapped);
                    }
                    continue;
                }
                errors.Add(path, "Must be 1 (ok), 2 (failed) or 3 (quota exceeded / denied).");
            }
        }
    }

    private static SftpEventSchedule? ReadSchedule(JsonFields f, JsonNode? node, string path)
    {
        if (f.Object(node, path, "A schedule", ["minute", "hour", "day_of_week", "day_of_month", "month", "cron", "time_zone"]) is not { } s)
        {
            return null;
        }
        string? cron = f.String(s, "cron", path, 256)?.Trim();
        if (string.IsNullOrEmpty(cron))
        {
            string Field(string name, string fallback) => f.String(s, name, path, 128)?.Trim() is { Length: > 0 } v ? v : fallback;
            cron = $"{Field("minute", "0")} {Field("hour", "*")} {Field("day_of_month", "*")} {Field("month", "*")} {Field("day_of_week", "*")}";
        }
        var schedule = new SftpEventSchedule { Cron = cron, TimeZone = f.String(s, "time_zone", path, 128)?.Trim() is { Length: > 0 } tz ? tz : null };
        if (CronShape.Check(cron) is { } error)
        {
            f.Errors.Add(path, error);
            return null;
        }
        if (schedule.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _))
        {
            f.Errors.Add(path + ".time_zone", "Unknown time zone.");
            return null;
        }
        return schedule;
    }

    private static List<string> Names(JsonFields f, JsonObject o, string name, string prefix, string[] allowed, string what, bool required = true)
    {
        var list = new List<string>();
        foreach (string value in f.Strings(o, name, prefix, 64))
        {
            if (!allowed.Contains(value, StringComparer.Ordinal))
            {
                f.Errors.Add(JsonFields.Path(prefix, name), $"Unsupported {what} '{value}' (one of: {string.Join(", ", allowed)}).");
            }
            else if (!list.Contains(value, StringComparer.Ordinal))
            {
                list.Add(value);
            }
        }
        if (required && list.Count == 0 && !f.Errors.Has(JsonFields.Path(prefix, name)))
        {
            f.Errors.Add(JsonFields.Path(prefix, name), $"At least one {what} is required.");
        }
        return list;
    }

    private static List<SftpEventPattern> Patterns(JsonFields f, JsonObject o, string name, string prefix)
    {
        var list = new List<SftpEventPattern>();
        foreach (var (node, path) in f.Array(o, name, prefix))
        {
            if (f.Object(node, path, "A pattern", ["pattern", "inverse_match"]) is not { } p)
            {
                continue;
            }
            string pattern = f.String(p, "pattern", path, 4096) ?? "";
            if (GlobShape.Check(pattern) is { } error)
            {
                f.Errors.Add(path + ".pattern", error);
                continue;
            }
            list.Add(new SftpEventPattern { Pattern = pattern, InverseMatch = f.Bool(p, "inverse_match", path) });
        }
        return list;
    }

    private static void ReadActions(JsonFields f, SftpEventRule rule, JsonObject obj, IReadOnlySet<string> actionNames)
    {
        var errors = f.Errors;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var orders = new HashSet<int>();
        var items = f.Array(obj, "actions", "");
        for (int i = 0; i < items.Count; i++)
        {
            var (node, path) = items[i];
            // The full action SFTPGo returns is accepted too; only its name and relation fields are read.
            if (f.Object(node, path, "An action", ["name", "order", "relation_options"], ["id", "description", "type", "options", "rules"]) is not { } a)
            {
                continue;
            }
            var item = new SftpEventRuleAction { Name = f.String(a, "name", path, NameRules.MaxNameLength) ?? "", Order = f.Int(a, "order", path) ?? i + 1 };
            if (f.OptionalObject(a, "relation_options", path, "The relation options", ["is_failure_action", "stop_on_failure", "execute_sync"]) is { } r)
            {
                item.IsFailureAction = f.Bool(r, "is_failure_action", path + ".relation_options");
                item.StopOnFailure = f.Bool(r, "stop_on_failure", path + ".relation_options");
                item.ExecuteSync = f.Bool(r, "execute_sync", path + ".relation_options");
            }
            if (item.Name.Length == 0)
            {
                errors.Add(path + ".name", "The action name is required.");
                continue;
            }
            if (!actionNames.Contains(item.Name))
            {
                errors.Add(path + ".name", $"There is no event action named '{item.Name}'.");
            }
            if (!names.Add(item.Name))
            {
                errors.Add(path + ".name", "The rule names this action twice.");
            }
            if (!orders.Add(item.Order))
            {
                errors.Add(path + ".order", "Another action of the rule has the same order.");
            }
            if (item.IsFailureAction && item.ExecuteSync)
            {
                errors.Add(path + ".relation_options.execute_sync", "A failure action cannot run synchronously.");
            }
            if (item.ExecuteSync && (rule.Trigger != SftpEventTrigger.FileSystem || rule.Conditions.FsEvents.Any(e => !s_syncEvents.Contains(e, StringComparer.Ordinal))))
            {
                errors.Add(path + ".relation_options.execute_sync", "Synchronous actions are for file-system rules on upload and pre-* events only.");
            }
            rule.Actions.Add(item);
        }
        if (rule.Actions.Count == 0 && !errors.Has("actions"))
        {
            errors.Add("actions", "At least one action is required.");
        }
        else if (rule.Actions.Count > 0 && rule.Actions.All(a => a.IsFailureAction))
        {
            errors.Add("actions", "At least one action must not be a failure action.");
        }
        if (rule.Trigger == SftpEventTrigger.FileSystem && !rule.Actions.Any(a => a.ExecuteSync)
            && rule.Conditions.FsEvents.FirstOrDefault(e => e.StartsWith("pre-", StringComparison.Ordinal)) is { } pre)
        {
            errors.Add("actions", $"The event {pre} needs at least one synchronous action.");
        }
        rule.Actions = rule.Actions.OrderBy(a => a.Order).ToList();
    }

    /// <summary>The rule as JSON.</summary>
    public static JsonObject Write(SftpEventRule rule)
    {
        var c = rule.Conditions;
        var conditions = new JsonObject();
        switch (rule.Trigger)
        {
            case SftpEventTrigger.FileSystem:
                conditions["fs_events"] = JsonFields.StringsNode(c.FsEvents);
                break;
            case SftpEventTrigger.Provider:
                conditions["provider_events"] = JsonFields.StringsNode(c.ProviderEvents);
                break;
            case SftpEventTrigger.Session:
                conditions["session_events"] = JsonFields.StringsNode(c.SessionEvents);
                break;
            case SftpEventTrigger.Schedule:
                conditions["schedules"] = new JsonArray(c.Schedules.Select(s =>
                {
                    string[] parts = s.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var node = new JsonObject();
                    if (parts.Length == 5)
                    {
                        node["minute"] = parts[0];
                        node["hour"] = parts[1];
                        node["day_of_month"] = parts[2];
                        node["month"] = parts[3];
                        node["day_of_week"] = parts[4];
                    }
                    else
                    {
                        node["cron"] = s.Cron;
                    }
                    if (s.TimeZone is not null)
                    {
                        node["time_zone"] = s.TimeZone;
                    }
                    return (JsonNode)node;
                }).ToArray());
                break;
        }
        var options = new JsonObject();
        static JsonArray PatternsNode(List<SftpEventPattern> list) =>
            new(list.Select(p => (JsonNode)new JsonObject { ["pattern"] = p.Pattern, ["inverse_match"] = p.InverseMatch }).ToArray());
        if (c.Names.Count > 0)
        {
            options["names"] = PatternsNode(c.Names);
        }
        if (c.GroupNames.Count > 0)
        {
            options["group_names"] = PatternsNode(c.GroupNames);
        }
        if (c.RoleNames.Count > 0)
        {
            options["role_names"] = PatternsNode(c.RoleNames);
        }
        if (c.FsPaths.Count > 0)
        {
            options["fs_paths"] = PatternsNode(c.FsPaths);
        }
        if (c.Protocols.Count > 0)
        {
            options["protocols"] = JsonFields.StringsNode(c.Protocols);
        }
        if (c.ProviderObjects.Count > 0)
        {
            options["provider_objects"] = JsonFields.StringsNode(c.ProviderObjects);
        }
        if (c.MinFileSize > 0)
        {
            options["min_size"] = c.MinFileSize;
        }
        if (c.MaxFileSize > 0)
        {
            options["max_size"] = c.MaxFileSize;
        }
        if (c.EventStatuses.Count > 0)
        {
            options["event_statuses"] = new JsonArray(c.EventStatuses.Select(s => (JsonNode)JsonValue.Create(s switch
            {
                SftpEventStatus.Ok => 1,
                SftpEventStatus.Failed => 2,
                _ => 3,
            })).ToArray());
        }
        if (c.ConcurrentExecution)
        {
            options["concurrent_execution"] = true;
        }
        conditions["options"] = options;
        var result = new JsonObject { ["name"] = rule.Name, ["status"] = rule.Enabled ? 1 : 0 };
        if (rule.Description is not null)
        {
            result["description"] = rule.Description;
        }
        result["created_at"] = rule.CreatedAt.ToUnixTimeMilliseconds();
        result["updated_at"] = rule.UpdatedAt.ToUnixTimeMilliseconds();
        result["trigger"] = (int)rule.Trigger;
        result["conditions"] = conditions;
        result["actions"] = new JsonArray(rule.Actions.OrderBy(a => a.Order).Select(a => (JsonNode)new JsonObject
        {
            ["name"] = a.Name,
            ["order"] = a.Order,
            ["relation_options"] = new JsonObject
            {
                ["is_failure_action"] = a.IsFailureAction,
                ["stop_on_failure"] = a.StopOnFailure,
                ["execute_sync"] = a.ExecuteSync,
            },
        }).ToArray());
        return result;
    }

    /// <summary>A short name of a trigger for people.</summary>
    public static string TriggerName(SftpEventTrigger trigger) => trigger switch
    {
        SftpEventTrigger.FileSystem => "File system",
        SftpEventTrigger.Provider => "Provider",
        SftpEventTrigger.Schedule => "Schedule",
        SftpEventTrigger.IpBlocked => "IP blocked",
        SftpEventTrigger.OnDemand => "On demand",
        SftpEventTrigger.Session => "Session",
        _ => trigger.ToString(),
    };
}
