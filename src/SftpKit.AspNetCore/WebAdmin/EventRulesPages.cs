using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.EventRules;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>eventrules</c>: event rules (list, create, edit, delete, "run now" for active on-demand rules): trigger, event names,
/// schedules, conditions and the ordered actions with their three flags. Saved by the same code as <c>/eventrules</c>.
/// Permission <c>manage_event_rules</c> and an admin bound to no role.
/// </summary>
internal static class EventRulesPages
{
    /// <summary>Action rows the form offers beyond the rule's own: 3.</summary>
    private const int SpareActionRows = 3;

    /// <summary>Most action rows read from a form: 50.</summary>
    private const int MaxActionRows = 50;

    public static void Map(RouteGroupBuilder group)
    {
        var pages = group.MapGroup("/eventrules").RequireSignIn(user => WebAdminSession.Has(user, SftpAdminPermissions.ManageEventRules) && !AdminRoleScope.IsBound(user));
        pages.MapGet("/", (Func<HttpContext, Task<IResult>>)ListAsync);
        pages.MapGet("/new", (Func<HttpContext, Task<IResult>>)NewAsync);
        pages.MapPost("/new", (Func<HttpContext, Task<IResult>>)CreateAsync);
        pages.MapGet("/{name}", EditAsync);
        pages.MapPost("/{name}", UpdateAsync);
        pages.MapPost("/{name}/delete", DeleteAsync);
        pages.MapPost("/{name}/run", RunAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        string listUrl = context.Request.PathBase + WebArea.Of(context).Url("eventrules");
        var rows = new List<Html>();
        await foreach (var rule in EventRuleChanges.Store(context).ListRulesAsync(context.RequestAborted))
        {
            string url = listUrl + "/" + Uri.EscapeDataString(rule.Name);
            bool runnable = rule.Enabled && rule.Trigger == SftpEventTrigger.OnDemand;
            rows.Add(Html.Of($"""
                <tr data-rule="{rule.Name}">
                <td data-label="Rule"><a href="{url}">{rule.Name}</a></td>
                <td data-label="Trigger">{EventRuleJson.TriggerName(rule.Trigger)}</td>
                <td data-label="Status">{(rule.Enabled ? "active" : "inactive")}</td>
                <td data-label="Actions">{string.Join(", ", rule.Actions.OrderBy(a => a.Order).Select(a => a.Name))}</td>
                <td data-label="Description">{rule.Description ?? ""}</td>
                <td data-label="">{Html.If(runnable, WebForms.Button(context, url + "/run", "Run now", $"Run the rule {rule.Name} now?", "button small"))} {WebForms.Button(context, url + "/delete", "Delete", $"Delete the rule {rule.Name}?", "button danger small")}</td>
                </tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The rule was created.",
            "saved" => "The rule was saved.",
            "deleted" => "The rule was deleted.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Event rules</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><a class="button" id="new-rule" href="{listUrl}/new">New rule</a> <a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("eventruns")}">Recent runs</a></div>
            <div class="table-wrap"><table class="responsive" id="event-rules">
            <thead><tr><th>Rule</th><th>Trigger</th><th>Status</th><th>Actions</th><th>Description</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No event rules.</p>"))}
            """);
        return WebResults.Page(context, "Event rules", body);
    }

    private static async Task<IResult> NewAsync(HttpContext context) =>
        Form(context, null, new JsonObject { ["status"] = 1, ["trigger"] = 1 }, await ActionNamesAsync(context), null);

    private static async Task<IResult> EditAsync(string name, HttpContext context) =>
        await EventRuleChanges.Store(context).FindRuleAsync(name, context.RequestAborted) is { } rule
            ? Form(context, name, EventRuleJson.Write(rule), await ActionNamesAsync(context), null)
            : WebResults.Error(context, StatusCodes.Status404NotFound);

    private static async Task<List<string>> ActionNamesAsync(HttpContext context) =>
        (await EventRuleChanges.ActionNamesAsync(EventRuleChanges.Store(context), context.RequestAborted)).Order(StringComparer.Ordinal).ToList();

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var errors = new ValidationErrors();
        var json = FromForm(form, errors);
        if (!errors.IsEmpty)
        {
            return Form(context, null, json, await ActionNamesAsync(context), errors);
        }
        var result = await EventRuleChanges.SaveRuleAsync(json.DeepClone(), null, context);
        if (result.Conflict is not null)
        {
            result.Errors.Add("name", result.Conflict);
            return Form(context, null, json, await ActionNamesAsync(context), result.Errors, StatusCodes.Status409Conflict);
        }
        return result.Value is null ? Form(context, null, json, await ActionNamesAsync(context), result.Errors) : WebResults.SeeOther(context, "eventrules?done=created");
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var errors = new ValidationErrors();
        var json = FromForm(form, errors);
        json["name"] = name;
        if (!errors.IsEmpty)
        {
            return Form(context, name, json, await ActionNamesAsync(context), errors);
        }
        var result = await EventRuleChanges.SaveRuleAsync(json.DeepClone(), name, context);
        if (result.NotFound)
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        return result.Value is null ? Form(context, name, json, await ActionNamesAsync(context), result.Errors) : WebResults.SeeOther(context, "eventrules?done=saved");
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context) =>
        await EventRuleChanges.DeleteRuleAsync(name, context) ? WebResults.SeeOther(context, "eventrules?done=deleted") : WebResults.Error(context, StatusCodes.Status404NotFound);

    private static async Task<IResult> RunAsync(string name, HttpContext context)
    {
        var (run, status, problem) = await EventRuleChanges.RunAsync(name, context);
        if (run is null)
        {
            return WebResults.Page(context, "Event rules", Html.Of($"""
                <h1>Event rules</h1><p class="alert error" role="alert" id="form-errors">{problem}</p>
                <p><a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("eventrules")}">Back</a></p>
                """), status);
        }
        return WebResults.SeeOther(context, "eventruns?rule=" + Uri.EscapeDataString(name) + "&done=" + Uri.EscapeDataString(EventRunJson.StatusName(run.Status)));
    }

    /// <summary>The API JSON of the form's fields.</summary>
    private static JsonObject FromForm(IFormCollection form, ValidationErrors errors)
    {
        int trigger = int.TryParse(WebForms.Value(form, "trigger"), NumberStyles.None, CultureInfo.InvariantCulture, out int t) ? t : 0;
        var conditions = new JsonObject
        {
            ["fs_events"] = Checked(form, "fs_events"),
            ["provider_events"] = Checked(form, "provider_events"),
            ["session_events"] = Checked(form, "session_events"),
        };
        var schedules = new JsonArray();
        foreach (string line in WebForms.Lines(form, "schedules"))
        {
            string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var schedule = new JsonObject { ["cron"] = string.Join(' ', tokens.Take(5)) };
            if (tokens.Length == 6)
            {
                schedule["time_zone"] = tokens[5];
            }
            else if (tokens.Length > 6)
            {
                errors.Add("schedules", $"Write each line as five cron fields and an optional time zone (got '{line}').");
            }
            schedules.Add(schedule);
        }
        conditions["schedules"] = schedules;
        var options = new JsonObject
        {
            ["names"] = Patterns(form, "names"),
            ["group_names"] = Patterns(form, "group_names"),
            ["role_names"] = Patterns(form, "role_names"),
            ["fs_paths"] = Patterns(form, "fs_paths"),
            ["protocols"] = Checked(form, "protocols"),
            ["provider_objects"] = Checked(form, "provider_objects"),
            ["event_statuses"] = new JsonArray(form["event_statuses"].OfType<string>()
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0).Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["min_size"] = Size(form, "min_size", errors),
            ["max_size"] = Size(form, "max_size", errors),
            ["concurrent_execution"] = WebForms.Checked(form, "concurrent_execution"),
        };
        conditions["options"] = options;
        // Every list is sent; the API reads only those of the chosen trigger.
        var actions = new JsonArray();
        for (int i = 0; i < MaxActionRows; i++)
        {
            if (WebForms.Value(form, $"action_name_{i}") is not { } actionName)
            {
                continue;
            }
            string? orderText = WebForms.Value(form, $"action_order_{i}");
            int order = i + 1;
            if (orderText is not null && !int.TryParse(orderText, NumberStyles.None, CultureInfo.InvariantCulture, out order))
            {
                errors.Add($"action_order_{i}", "Enter a whole number.");
            }
            actions.Add(new JsonObject
            {
                ["name"] = actionName,
                ["order"] = order,
                ["relation_options"] = new JsonObject
                {
                    ["is_failure_action"] = WebForms.Checked(form, $"action_failure_{i}"),
                    ["stop_on_failure"] = WebForms.Checked(form, $"action_stop_{i}"),
                    ["execute_sync"] = WebForms.Checked(form, $"action_sync_{i}"),
                },
            });
        }
        return new JsonObject
        {
            ["name"] = WebForms.Value(form, "name") ?? "",
            ["description"] = WebForms.Value(form, "description"),
            ["status"] = WebForms.Checked(form, "active") ? 1 : 0,
            ["trigger"] = trigger,
            ["conditions"] = conditions,
            ["actions"] = actions,
        };
    }

    private static JsonArray Checked(IFormCollection form, string name) => JsonFields.StringsNode(form[name].OfType<string>().Where(s => s.Length > 0));

    /// <summary>Lines of glob patterns; a leading '!' makes the pattern inverse.</summary>
    private static JsonArray Patterns(IFormCollection form, string name) =>
        new(WebForms.Lines(form, name).Select(l => (JsonNode)new JsonObject
        {
            ["pattern"] = l.StartsWith('!') ? l[1..].Trim() : l,
            ["inverse_match"] = l.StartsWith('!'),
        }).ToArray());

    private static long Size(IFormCollection form, string name, ValidationErrors errors)
    {
        string? text = WebForms.Value(form, name);
        if (text is null)
        {
            return 0;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return n;
        }
        errors.Add(name, "Enter a whole number of bytes (0 = no bound).");
        return 0;
    }

    private static string Str(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s ?? "",
        JsonValue v => v.ToJsonString(),
        _ => "",
    };

    private static HashSet<string> Set(JsonNode? node) => node is JsonArray a ? a.Select(Str).ToHashSet(StringComparer.Ordinal) : [];

    private static Html Boxes(string name, IEnumerable<(string Value, string Text)> items, HashSet<string> selected) =>
        Html.Of($"""<div class="checks" id="{name}">{items.Select(i => Html.Of($"<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" value=\"{i.Value}\"{Html.Raw(selected.Contains(i.Value) ? " checked" : "")}> {i.Text}</label>"))}</div>""");

    private static string PatternLines(JsonNode? node) =>
        node is JsonArray a ? string.Join("\n", a.Select(p => (p?["inverse_match"] is JsonValue v && v.GetValue<bool>() ? "!" : "") + Str(p?["pattern"]))) : "";

    private static IResult Form(HttpContext context, string? name, JsonObject json, List<string> actionNames, ValidationErrors? errors, int? status = null)
    {
        bool create = name is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "eventrules/new" : "eventrules/" + Uri.EscapeDataString(name!));
        int trigger = json["trigger"] is JsonValue tv && tv.TryGetValue(out int t) ? t : 1;
        var c = json["conditions"] as JsonObject ?? new JsonObject();
        var o = c["options"] as JsonObject ?? new JsonObject();
        string schedules = c["schedules"] is JsonArray list
            ? string.Join("\n", list.Select(s => (s?["cron"] is { } cron ? Str(cron)
                : $"{Str(s?["minute"])} {Str(s?["hour"])} {Str(s?["day_of_month"])} {Str(s?["month"])} {Str(s?["day_of_week"])}")
                + (s?["time_zone"] is { } tz ? " " + Str(tz) : "")))
            : "";
        var triggers = Enum.GetValues<SftpEventTrigger>().Select(x => Html.Of($"<option value=\"{(int)x}\"{Html.Raw((int)x == trigger ? " selected" : "")}>{EventRuleJson.TriggerName(x)}</option>"));
        var rows = new List<Html>();
        var current = json["actions"] as JsonArray ?? [];
        for (int i = 0; i < current.Count + SpareActionRows && i < MaxActionRows; i++)
        {
            var item = i < current.Count ? current[i] : null;
            string selected = Str(item?["name"]);
            var r = item?["relation_options"];
            bool Flag(string key) => r?[key] is JsonValue v && v.GetValue<bool>();
            var choices = new List<Html> { Html.Of($"<option value=\"\"{Html.Raw(selected.Length == 0 ? " selected" : "")}>(none)</option>") };
            choices.AddRange(actionNames.Select(n => Html.Of($"<option value=\"{n}\"{Html.Raw(n == selected ? " selected" : "")}>{n}</option>")));
            if (selected.Length > 0 && !actionNames.Contains(selected))
            {
                choices.Add(Html.Of($"<option value=\"{selected}\" selected>{selected} (unknown)</option>"));
            }
            rows.Add(Html.Of($"""
                <tr>
                <td data-label="Action"><select id="action_name_{i}" name="action_name_{i}" aria-label="Action {i + 1}">{choices}</select></td>
                <td data-label="Order"><input type="number" id="action_order_{i}" name="action_order_{i}" min="0" value="{(item is null ? (i + 1).ToString(CultureInfo.InvariantCulture) : Str(item["order"]))}" aria-label="Order {i + 1}"></td>
                <td data-label="Failure action"><input type="checkbox" id="action_failure_{i}" name="action_failure_{i}"{Html.Raw(Flag("is_failure_action") ? " checked" : "")} aria-label="Failure action {i + 1}"></td>
                <td data-label="Stop on failure"><input type="checkbox" id="action_stop_{i}" name="action_stop_{i}"{Html.Raw(Flag("stop_on_failure") ? " checked" : "")} aria-label="Stop on failure {i + 1}"></td>
                <td data-label="Synchronous"><input type="checkbox" id="action_sync_{i}" name="action_sync_{i}"{Html.Raw(Flag("execute_sync") ? " checked" : "")} aria-label="Synchronous {i + 1}"></td>
                </tr>
                """));
        }
        var statuses = Set(o["event_statuses"]);
        var fields = Html.Of($"""
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="{Str(json["name"])}" {(create ? Html.Raw("required maxlength=\"255\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Str(json["description"])}">
            <label class="check"><input type="checkbox" id="active" name="active"{Html.Raw(Str(json["status"]) != "0" ? " checked" : "")}> Active</label>
            <label for="trigger">Trigger</label>
            <select id="trigger" name="trigger">{triggers}</select>
            <p class="hint">Only the events of the chosen trigger are saved.</p>
            <fieldset><legend>File-system events</legend>{Boxes("fs_events", EventRuleJson.FsEvents.Select(e => (e, e)), Set(c["fs_events"]))}</fieldset>
            <fieldset><legend>Provider events</legend>{Boxes("provider_events", EventRuleJson.ProviderEvents.Select(e => (e, e)), Set(c["provider_events"]))}
            <p class="hint">Objects (none checked: all)</p>{Boxes("provider_objects", EventRuleJson.ProviderObjects.Select(e => (e, e)), Set(o["provider_objects"]))}</fieldset>
            <fieldset><legend>Session events</legend>{Boxes("session_events", EventRuleJson.SessionEvents.Select(e => (e, e)), Set(c["session_events"]))}</fieldset>
            <fieldset><legend>Schedules</legend>
            <label for="schedules">One per line: minute hour day-of-month month day-of-week, then an optional time zone (UTC when none)</label>
            <textarea id="schedules" name="schedules" rows="2" placeholder="0 2 * * 1-5 Europe/Rome">{schedules}</textarea></fieldset>
            <fieldset><legend>Conditions</legend>
            <p class="hint">Glob patterns, one per line; a leading ! matches everything else. Empty: no restriction.</p>
            <label for="names">Account (or object) names</label><textarea id="names" name="names" rows="2">{PatternLines(o["names"])}</textarea>
            <label for="group_names">Group names</label><textarea id="group_names" name="group_names" rows="2">{PatternLines(o["group_names"])}</textarea>
            <label for="role_names">Role names</label><textarea id="role_names" name="role_names" rows="2">{PatternLines(o["role_names"])}</textarea>
            <label for="fs_paths">Paths (file-system events)</label><textarea id="fs_paths" name="fs_paths" rows="2">{PatternLines(o["fs_paths"])}</textarea>
            <p class="hint">Protocols (none checked: all)</p>{Boxes("protocols", EventRuleJson.Protocols.Select(e => (e, e)), Set(o["protocols"]))}
            <p class="hint">Event outcomes (none checked: all)</p>{Boxes("event_statuses", [("1", "ok"), ("2", "failed"), ("3", "denied / quota exceeded")], statuses)}
            <label for="min_size">Least file size (bytes, 0 = none)</label><input type="number" id="min_size" name="min_size" min="0" value="{Str(o["min_size"])}">
            <label for="max_size">Greatest file size (bytes, 0 = none)</label><input type="number" id="max_size" name="max_size" min="0" value="{Str(o["max_size"])}">
            <label class="check"><input type="checkbox" id="concurrent_execution" name="concurrent_execution"{Html.Raw(Str(o["concurrent_execution"]) == "true" ? " checked" : "")}> Schedules may run while the previous run is still going</label>
            </fieldset>
            <fieldset><legend>Actions</legend>
            <div class="table-wrap"><table class="responsive" id="rule-actions">
            <thead><tr><th>Action</th><th>Order</th><th>Failure action</th><th>Stop on failure</th><th>Synchronous</th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            <p class="hint">Actions run in ascending order. A failure action runs only after an earlier action failed; stop on failure skips the rest; synchronous actions make upload and pre-* operations wait.</p>
            </fieldset>
            <p class="actions"><button type="submit" id="save-rule">{(create ? "Create rule" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("eventrules")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New event rule" : "Event rule " + name)}</h1>
            {WebAdminHtml.Errors(errors)}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        int code = status ?? (errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        return WebResults.Page(context, create ? "New event rule" : name!, body, code);
    }
}
