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
/// <c>eventactions</c>: event actions (list with the rules using each, create, edit, delete), one form with a section per
/// type; the section of the chosen type is saved. Saved by the same code as <c>/eventactions</c> (the form becomes the
/// API's JSON). Permission <c>manage_event_rules</c> and an admin bound to no role. HTTP multipart parts are edited
/// through the API only (the form keeps them).
/// </summary>
internal static class EventActionsPages
{
    private static readonly string[] s_methods = ["POST", "GET", "PUT", "DELETE"];

    public static void Map(RouteGroupBuilder group)
    {
        var pages = group.MapGroup("/eventactions").RequireSignIn(user => WebAdminSession.Has(user, SftpAdminPermissions.ManageEventRules) && !AdminRoleScope.IsBound(user));
        pages.MapGet("/", (Func<HttpContext, Task<IResult>>)ListAsync);
        pages.MapGet("/new", (HttpContext context) => Form(context, null, new JsonObject { ["type"] = 1 }, null));
        pages.MapPost("/new", (Func<HttpContext, Task<IResult>>)CreateAsync);
        pages.MapGet("/{name}", EditAsync);
        pages.MapPost("/{name}", UpdateAsync);
        pages.MapPost("/{name}/delete", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var store = EventRuleChanges.Store(context);
        var rules = new List<SftpEventRule>();
        await foreach (var rule in store.ListRulesAsync(context.RequestAborted))
        {
            rules.Add(rule);
        }
        string listUrl = context.Request.PathBase + WebArea.Of(context).Url("eventactions");
        var rows = new List<Html>();
        await foreach (var action in store.ListActionsAsync(context.RequestAborted))
        {
            string url = listUrl + "/" + Uri.EscapeDataString(action.Name);
            var users = rules.Where(r => r.Actions.Any(a => a.Name == action.Name)).Select(r => r.Name).ToList();
            rows.Add(Html.Of($"""
                <tr data-action="{action.Name}">
                <td data-label="Action"><a href="{url}">{action.Name}</a></td>
                <td data-label="Type">{EventActionJson.TypeName(action.Type)}</td>
                <td data-label="Description">{action.Description ?? ""}</td>
                <td data-label="Rules">{string.Join(", ", users)}</td>
                <td data-label="">{Html.If(users.Count == 0, WebForms.Button(context, url + "/delete", "Delete", $"Delete the action {action.Name}?", "button danger small"))}</td>
                </tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The action was created.",
            "saved" => "The action was saved.",
            "deleted" => "The action was deleted.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Event actions</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><a class="button" id="new-action" href="{listUrl}/new">New action</a></div>
            <div class="table-wrap"><table class="responsive" id="event-actions">
            <thead><tr><th>Action</th><th>Type</th><th>Description</th><th>Rules</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No event actions.</p>"))}
            <p class="hint">Rules run actions by name. An action a rule names cannot be deleted.</p>
            """);
        return WebResults.Page(context, "Event actions", body);
    }

    private static async Task<IResult> EditAsync(string name, HttpContext context) =>
        await EventRuleChanges.Store(context).FindActionAsync(name, context.RequestAborted) is { } action
            ? Form(context, name, EventActionJson.Write(action), null)
            : WebResults.Error(context, StatusCodes.Status404NotFound);

    private static async Task<IResult> CreateAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var errors = new ValidationErrors();
        var json = FromForm(form, null, errors);
        if (!errors.IsEmpty)
        {
            return Form(context, null, json, errors);
        }
        var result = await EventRuleChanges.SaveActionAsync(json.DeepClone(), null, context);
        if (result.Conflict is not null)
        {
            result.Errors.Add("name", result.Conflict);
            return Form(context, null, json, result.Errors, StatusCodes.Status409Conflict);
        }
        return result.Value is null ? Form(context, null, json, result.Errors) : WebResults.SeeOther(context, "eventactions?done=created");
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context)
    {
        var stored = await EventRuleChanges.Store(context).FindActionAsync(name, context.RequestAborted);
        if (stored is null)
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var errors = new ValidationErrors();
        var json = FromForm(form, EventActionJson.Write(stored), errors);
        json["name"] = name;
        if (!errors.IsEmpty)
        {
            return Form(context, name, json, errors);
        }
        var result = await EventRuleChanges.SaveActionAsync(json.DeepClone(), name, context);
        if (result.NotFound)
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        return result.Value is null ? Form(context, name, json, result.Errors) : WebResults.SeeOther(context, "eventactions?done=saved");
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context)
    {
        var (deleted, conflict) = await EventRuleChanges.DeleteActionAsync(name, context);
        if (conflict is not null)
        {
            return WebResults.Page(context, "Event actions", Html.Of($"""
                <h1>Event actions</h1><p class="alert error" role="alert" id="form-errors">{conflict}</p>
                <p><a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("eventactions")}">Back</a></p>
                """), StatusCodes.Status409Conflict);
        }
        return deleted ? WebResults.SeeOther(context, "eventactions?done=deleted") : WebResults.Error(context, StatusCodes.Status404NotFound);
    }

    /// <summary>The API JSON of the form's fields (only the chosen type's section); <paramref name="stored"/> supplies what the form does not edit.</summary>
    private static JsonObject FromForm(IFormCollection form, JsonObject? stored, ValidationErrors errors)
    {
        int type = Number(form, "type", errors) ?? 0;
        var json = new JsonObject
        {
            ["name"] = WebForms.Value(form, "name") ?? "",
            ["description"] = WebForms.Value(form, "description"),
            ["type"] = type,
        };
        var options = new JsonObject();
        switch ((SftpEventActionType)type)
        {
            case SftpEventActionType.Http:
                var http = new JsonObject
                {
                    ["endpoint"] = WebForms.Value(form, "http_endpoint") ?? "",
                    ["method"] = WebForms.Value(form, "http_method") ?? "POST",
                    ["username"] = WebForms.Value(form, "http_username"),
                    ["password"] = WebForms.RawValue(form, "http_password"),
                    ["timeout"] = Number(form, "http_timeout", errors) ?? 20,
                    ["max_retries"] = Number(form, "http_max_retries", errors) ?? 2,
                    ["skip_tls_verify"] = WebForms.Checked(form, "http_skip_tls_verify"),
                    ["headers"] = Pairs(form, "http_headers", ':', errors),
                    ["query_parameters"] = Pairs(form, "http_query_parameters", '=', errors),
                    ["body"] = WebForms.RawValue(form, "http_body"),
                };
                if (stored?["options"]?["http_config"]?["parts"] is JsonArray storedParts)
                {
                    http["parts"] = storedParts.DeepClone();
                }
                options["http_config"] = http;
                break;
            case SftpEventActionType.Command:
                options["cmd_config"] = new JsonObject
                {
                    ["cmd"] = WebForms.Value(form, "cmd") ?? "",
                    ["args"] = Lines(form, "cmd_args"),
                    ["env_vars"] = Pairs(form, "cmd_env_vars", '=', errors),
                    ["timeout"] = Number(form, "cmd_timeout", errors) ?? 20,
                };
                break;
            case SftpEventActionType.Email:
                options["email_config"] = new JsonObject
                {
                    ["recipients"] = List(form, "email_recipients"),
                    ["bcc"] = List(form, "email_bcc"),
                    ["subject"] = WebForms.Value(form, "email_subject") ?? "",
                    ["body"] = WebForms.RawValue(form, "email_body") ?? "",
                    ["content_type"] = WebForms.Checked(form, "email_html") ? 1 : 0,
                    ["attachments"] = Lines(form, "email_attachments"),
                };
                break;
            case SftpEventActionType.FileSystem:
                int fsType = Number(form, "fs_type", errors) ?? 1;
                var fs = new JsonObject { ["type"] = fsType };
                switch ((SftpFileActionType)fsType)
                {
                    case SftpFileActionType.Rename:
                        fs["renames"] = Pairs(form, "fs_pairs", '>', errors);
                        break;
                    case SftpFileActionType.Copy:
                        fs["copy"] = Pairs(form, "fs_pairs", '>', errors);
                        break;
                    case SftpFileActionType.Delete:
                        fs["deletes"] = Lines(form, "fs_paths");
                        break;
                    case SftpFileActionType.MakeDirectories:
                        fs["mkdirs"] = Lines(form, "fs_paths");
                        break;
                    case SftpFileActionType.Exist:
                        fs["exist"] = Lines(form, "fs_paths");
                        break;
                    case SftpFileActionType.Compress:
                        fs["compress"] = new JsonObject { ["name"] = WebForms.Value(form, "fs_archive") ?? "", ["paths"] = Lines(form, "fs_paths") };
                        break;
                }
                options["fs_config"] = fs;
                break;
            case SftpEventActionType.DataRetentionCheck:
                var folders = new JsonArray();
                foreach (string line in WebForms.Lines(form, "retention_folders"))
                {
                    string[] parts = line.Split(':', StringSplitOptions.TrimEntries);
                    if (parts.Length is < 2 or > 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int hours))
                    {
                        errors.Add("retention_folders", $"Write each line as /path:hours or /path:hours:delete-empty (got '{line}').");
                        continue;
                    }
                    folders.Add(new JsonObject { ["path"] = parts[0], ["retention"] = hours, ["delete_empty_dirs"] = parts.Length == 3 && parts[2].Length > 0 });
                }
                options["retention_config"] = new JsonObject { ["folders"] = folders };
                break;
            case SftpEventActionType.Backup:
                options["backup_config"] = new JsonObject { ["directory"] = WebForms.Value(form, "backup_directory") };
                break;
            case SftpEventActionType.PasswordExpirationCheck:
                options["pwd_expiration_config"] = new JsonObject { ["threshold"] = Number(form, "pwd_threshold", errors) ?? 0 };
                break;
            case SftpEventActionType.UserInactivityCheck:
                options["user_inactivity_config"] = new JsonObject
                {
                    ["disable_threshold"] = Number(form, "inactivity_disable", errors) ?? 0,
                    ["delete_threshold"] = Number(form, "inactivity_delete", errors) ?? 0,
                };
                break;
        }
        json["options"] = options;
        return json;
    }

    private static int? Number(IFormCollection form, string name, ValidationErrors errors)
    {
        string? text = WebForms.Value(form, name);
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return n;
        }
        errors.Add(name, "Enter a whole number.");
        return null;
    }

    private static JsonArray Lines(IFormCollection form, string name) => JsonFields.StringsNode(WebForms.Lines(form, name));

    private static JsonArray List(IFormCollection form, string name) =>
        JsonFields.StringsNode(WebForms.Lines(form, name).SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));

    /// <summary>Lines of "key SEPARATOR value" as <c>{key, value}</c> objects.</summary>
    private static JsonArray Pairs(IFormCollection form, string name, char separator, ValidationErrors errors)
    {
        var list = new JsonArray();
        foreach (string line in WebForms.Lines(form, name))
        {
            int at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0 || at == line.Length - 1)
            {
                errors.Add(name, $"Write each line as KEY {separator} VALUE (got '{line}').");
                continue;
            }
            string key = line[..at].TrimEnd('-').Trim();
            list.Add(new JsonObject { ["key"] = key, ["value"] = line[(at + 1)..].Trim() });
        }
        return list;
    }

    private static string Str(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s ?? "",
        JsonValue v => v.ToJsonString(),
        _ => "",
    };

    private static string JoinPairs(JsonNode? node, string separator) =>
        node is JsonArray a ? string.Join("\n", a.Select(p => Str(p?["key"]) + separator + Str(p?["value"]))) : "";

    private static string JoinLines(JsonNode? node) => node is JsonArray a ? string.Join("\n", a.Select(Str)) : "";

    private static Html Select(string id, int current, IEnumerable<(int Value, string Text)> options) =>
        Html.Of($"<select id=\"{id}\" name=\"{id}\">{options.Select(o => Html.Of($"<option value=\"{o.Value}\"{Html.Raw(o.Value == current ? " selected" : "")}>{o.Text}</option>"))}</select>");

    private static IResult Form(HttpContext context, string? name, JsonObject json, ValidationErrors? errors, int? status = null)
    {
        bool create = name is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "eventactions/new" : "eventactions/" + Uri.EscapeDataString(name!));
        int type = json["type"] is JsonValue tv && tv.TryGetValue(out int t) ? t : 1;
        var o = json["options"] as JsonObject ?? new JsonObject();
        var http = o["http_config"] as JsonObject ?? new JsonObject();
        var cmd = o["cmd_config"] as JsonObject ?? new JsonObject();
        var email = o["email_config"] as JsonObject ?? new JsonObject();
        var fs = o["fs_config"] as JsonObject ?? new JsonObject();
        var retention = o["retention_config"] as JsonObject ?? new JsonObject();
        int fsType = fs["type"] is JsonValue fv && fv.TryGetValue(out int ft) ? ft : 1;
        string fsPairs = JoinPairs(fs["renames"] ?? fs["copy"], " -> ");
        string fsPaths = JoinLines(fs["deletes"] ?? fs["mkdirs"] ?? fs["exist"] ?? fs["compress"]?["paths"]);
        bool hasPassword = http["password"] is JsonObject || (http["password"] is JsonValue pv && Str(pv).Length > 0);
        string retentionLines = retention["folders"] is JsonArray folders
            ? string.Join("\n", folders.Select(x => Str(x?["path"]) + ":" + Str(x?["retention"]) + (x?["delete_empty_dirs"] is JsonValue dv && dv.GetValue<bool>() ? ":delete-empty" : "")))
            : "";
        int parts = http["parts"] is JsonArray pa ? pa.Count : 0;
        var types = Enum.GetValues<SftpEventActionType>().Select(x => ((int)x, EventActionJson.TypeName(x)));
        var fields = Html.Of($"""
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="{Str(json["name"])}" {(create ? Html.Raw("required maxlength=\"255\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Str(json["description"])}">
            <label for="type">Type</label>
            {Select("type", type, types)}
            <p class="hint">Only the section of the chosen type is saved. Templates may use placeholders such as {"{{Name}}"}, {"{{Event}}"}, {"{{VirtualPath}}"}, {"{{FileSize}}"}, {"{{Status}}"}.</p>
            <fieldset id="section-http"><legend>HTTP</legend>
            <label for="http_endpoint">URL</label><input type="url" id="http_endpoint" name="http_endpoint" value="{Str(http["endpoint"])}" placeholder="https://example.com/hook">
            <label for="http_method">Method</label>
            <select id="http_method" name="http_method">{s_methods.Select(m => Html.Of($"<option value=\"{m}\"{Html.Raw(m == (Str(http["method"]) is { Length: > 0 } hm ? hm : "POST") ? " selected" : "")}>{m}</option>"))}</select>
            <label for="http_username">User name</label><input type="text" id="http_username" name="http_username" value="{Str(http["username"])}" autocomplete="off">
            <label for="http_password">Password</label><input type="password" id="http_password" name="http_password" value="{(hasPassword ? EventActionJson.RedactedText : "")}" autocomplete="new-password">
            <p class="hint">A stored password is shown as {EventActionJson.RedactedText}; leave it to keep it, clear the field to remove it.</p>
            <label for="http_timeout">Timeout (seconds, 1–180)</label><input type="number" id="http_timeout" name="http_timeout" min="1" max="180" value="{(Str(http["timeout"]) is { Length: > 0 } to ? to : "20")}">
            <label for="http_max_retries">Retries (0–10)</label><input type="number" id="http_max_retries" name="http_max_retries" min="0" max="10" value="{(Str(http["max_retries"]) is { Length: > 0 } mr ? mr : "2")}">
            <label class="check"><input type="checkbox" id="http_skip_tls_verify" name="http_skip_tls_verify"{Html.Raw(Str(http["skip_tls_verify"]) == "true" ? " checked" : "")}> Skip TLS certificate checks (test servers only)</label>
            <label for="http_headers">Headers (one per line, Name: value)</label><textarea id="http_headers" name="http_headers" rows="3">{JoinPairs(http["headers"], ": ")}</textarea>
            <label for="http_query_parameters">Query parameters (one per line, name=value)</label><textarea id="http_query_parameters" name="http_query_parameters" rows="2">{JoinPairs(http["query_parameters"], "=")}</textarea>
            <label for="http_body">Body</label><textarea id="http_body" name="http_body" rows="4">{Str(http["body"])}</textarea>
            {Html.If(parts > 0, Html.Of($"<p class=\"hint\">{parts} multipart part(s), kept as they are (edit them through the API).</p>"))}
            </fieldset>
            <fieldset id="section-command"><legend>Command</legend>
            <label for="cmd">Program (absolute path, in the server's allow-list)</label><input type="text" id="cmd" name="cmd" value="{Str(cmd["cmd"])}">
            <label for="cmd_args">Arguments (one per line)</label><textarea id="cmd_args" name="cmd_args" rows="3">{JoinLines(cmd["args"])}</textarea>
            <label for="cmd_env_vars">Environment (one per line, NAME=value)</label><textarea id="cmd_env_vars" name="cmd_env_vars" rows="3">{JoinPairs(cmd["env_vars"], "=")}</textarea>
            <label for="cmd_timeout">Timeout (seconds, 1–600)</label><input type="number" id="cmd_timeout" name="cmd_timeout" min="1" max="600" value="{(Str(cmd["timeout"]) is { Length: > 0 } ct ? ct : "20")}">
            </fieldset>
            <fieldset id="section-email"><legend>E-mail</legend>
            <label for="email_recipients">Recipients (comma or line separated)</label><textarea id="email_recipients" name="email_recipients" rows="2">{JoinLines(email["recipients"])}</textarea>
            <label for="email_bcc">Bcc</label><textarea id="email_bcc" name="email_bcc" rows="2">{JoinLines(email["bcc"])}</textarea>
            <label for="email_subject">Subject</label><input type="text" id="email_subject" name="email_subject" value="{Str(email["subject"])}">
            <label for="email_body">Body</label><textarea id="email_body" name="email_body" rows="5">{Str(email["body"])}</textarea>
            <label class="check"><input type="checkbox" id="email_html" name="email_html"{Html.Raw(Str(email["content_type"]) == "1" ? " checked" : "")}> The body is HTML</label>
            <label for="email_attachments">Attachments (virtual paths, one per line)</label><textarea id="email_attachments" name="email_attachments" rows="2">{JoinLines(email["attachments"])}</textarea>
            </fieldset>
            <fieldset id="section-fs"><legend>File system</legend>
            <label for="fs_type">Operation</label>
            {Select("fs_type", fsType, [(1, "Rename"), (2, "Delete"), (3, "Create directories"), (4, "Check existence"), (5, "Compress"), (6, "Copy")])}
            <label for="fs_pairs">Rename or copy (one per line, /source -> /target)</label><textarea id="fs_pairs" name="fs_pairs" rows="3">{fsPairs}</textarea>
            <label for="fs_paths">Paths to delete, create, check or compress (one per line)</label><textarea id="fs_paths" name="fs_paths" rows="3">{fsPaths}</textarea>
            <label for="fs_archive">Archive to write (compress)</label><input type="text" id="fs_archive" name="fs_archive" value="{Str(fs["compress"]?["name"])}">
            </fieldset>
            <fieldset id="section-retention"><legend>Data retention check</legend>
            <label for="retention_folders">Folders (one per line, /path:hours or /path:hours:delete-empty; 0 hours keeps)</label><textarea id="retention_folders" name="retention_folders" rows="3">{retentionLines}</textarea>
            </fieldset>
            <fieldset id="section-backup"><legend>Backup</legend>
            <label for="backup_directory">Directory (absolute; empty: the server's backup directory)</label><input type="text" id="backup_directory" name="backup_directory" value="{Str(o["backup_config"]?["directory"])}">
            </fieldset>
            <fieldset id="section-checks"><legend>Account checks</legend>
            <label for="pwd_threshold">Password expiration check: days before expiry</label><input type="number" id="pwd_threshold" name="pwd_threshold" min="1" value="{Str(o["pwd_expiration_config"]?["threshold"])}">
            <label for="inactivity_disable">Inactivity check: disable after days idle (0 = never)</label><input type="number" id="inactivity_disable" name="inactivity_disable" min="0" value="{Str(o["user_inactivity_config"]?["disable_threshold"])}">
            <label for="inactivity_delete">Inactivity check: delete after days idle (0 = never)</label><input type="number" id="inactivity_delete" name="inactivity_delete" min="0" value="{Str(o["user_inactivity_config"]?["delete_threshold"])}">
            </fieldset>
            <p class="actions"><button type="submit" id="save-action">{(create ? "Create action" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("eventactions")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New event action" : "Event action " + name)}</h1>
            {WebAdminHtml.Errors(errors)}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        int code = status ?? (errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        return WebResults.Page(context, create ? "New event action" : name!, body, code);
    }
}
