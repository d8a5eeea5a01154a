using System.Globalization;
using System.Text.Json.Nodes;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.EventRules;

/// <summary>
/// Run records in the admin API's JSON (<c>id</c>, <c>rule</c>, <c>trigger</c>, <c>event</c>, <c>username</c>,
/// <c>path</c>, <c>started_at</c> in Unix milliseconds, <c>duration_ms</c>, <c>status</c> <c>ok</c>/<c>failed</c>/<c>skipped</c>,
/// <c>actions</c> with each action's <c>name</c>, <c>status</c>, <c>error</c> and <c>duration_ms</c>), and the query of
/// <c>GET /events/rules</c>.
/// </summary>
internal static class EventRunJson
{
    public static string StatusName(SftpEventRunStatus status) => status switch
    {
        SftpEventRunStatus.Ok => "ok",
        SftpEventRunStatus.Failed => "failed",
        _ => "skipped",
    };

    public static JsonObject Write(SftpEventRun run)
    {
        var node = new JsonObject
        {
            ["id"] = run.Id,
            ["rule"] = run.Rule,
            ["trigger"] = (int)run.Trigger,
            ["event"] = run.Event,
        };
        if (run.UserName is not null)
        {
            node["username"] = run.UserName;
        }
        if (run.Path is not null)
        {
            node["path"] = run.Path;
        }
        node["started_at"] = run.StartedAt.ToUnixTimeMilliseconds();
        node["duration_ms"] = (long)run.Duration.TotalMilliseconds;
        node["status"] = StatusName(run.Status);
        node["actions"] = new JsonArray(run.Actions.Select(a =>
        {
            var item = new JsonObject { ["name"] = a.Name, ["status"] = StatusName(a.Status), ["duration_ms"] = (long)a.Duration.TotalMilliseconds };
            if (a.Error is not null)
            {
                item["error"] = a.Error;
            }
            return (JsonNode)item;
        }).ToArray());
        return node;
    }

    /// <summary>
    /// The query of <c>GET /events/rules</c>: <c>rule</c>, <c>username</c>, <c>status</c> (<c>ok</c>, <c>failed</c>,
    /// <c>skipped</c>), <c>from</c> and <c>to</c> (ISO 8601 or Unix milliseconds; from inclusive, to exclusive), <c>limit</c>
    /// (1–1000, default 100).
    /// </summary>
    public static SftpEventRunQuery ReadQuery(string? rule, string? username, string? status, string? from, string? to, string? limit, ValidationErrors errors)
    {
        var query = new SftpEventRunQuery
        {
            Rule = string.IsNullOrEmpty(rule) ? null : rule,
            UserName = string.IsNullOrEmpty(username) ? null : username,
        };
        if (!string.IsNullOrEmpty(status))
        {
            query.Status = status switch
            {
                "ok" => SftpEventRunStatus.Ok,
                "failed" => SftpEventRunStatus.Failed,
                "skipped" => SftpEventRunStatus.Skipped,
                _ => null,
            };
            if (query.Status is null)
            {
                errors.Add("status", "Must be ok, failed or skipped.");
            }
        }
        query.From = Time(from, "from", errors);
        query.To = Time(to, "to", errors);
        if (query.From is { } f && query.To is { } t && t <= f)
        {
            errors.Add("to", "Must be after from.");
        }
        if (!string.IsNullOrEmpty(limit))
        {
            if (int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out int l) && l is >= 1 and <= 1000)
            {
                query.Limit = l;
            }
            else
            {
                errors.Add("limit", "Must be an integer between 1 and 1000.");
            }
        }
        return query;
    }

    private static DateTimeOffset? Time(string? text, string field, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms <= 253402300799999)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors.Add(field, "Must be an ISO 8601 time or Unix milliseconds.");
        return null;
    }
}
