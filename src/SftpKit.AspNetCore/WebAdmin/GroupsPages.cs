using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Groups;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>groups</c>: the groups (name, home directory template, storage, quota, members); create, edit, delete;
/// permission <c>manage_groups</c> like <c>/groups</c>. The form becomes the API's group JSON (for an edit, the stored
/// group's JSON with the form's fields replaced, so storage settings the form does not show are kept) and is saved by
/// the same code as <c>POST</c>/<c>PUT</c>/<c>DELETE /groups</c>. A folder line names a folder of the Folders page.
/// </summary>
internal static class GroupsPages
{
    private static readonly string[] s_numbers = ["quotaSize", "quotaFiles", "maxUploadFileSize", "uploadBandwidth", "downloadBandwidth", "maxSessions"];

    public static void Map(RouteGroupBuilder group)
    {
        var groups = group.MapGroup("/groups").RequireAdmin(SftpAdminPermissions.ManageGroups);
        groups.MapGet("/", ListAsync);
        groups.MapGet("/new", (HttpContext context) => Form(context, null, new JsonObject(), null));
        groups.MapPost("/new", CreateAsync);
        groups.MapGet("/{name}", EditAsync);
        groups.MapPost("/{name}", UpdateAsync);
        groups.MapPost("/{name}/delete", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore users, ISftpGroupStore groups)
    {
        var members = await GroupMembers.LoadAsync(users, context.RequestAborted);
        var area = WebArea.Of(context);
        string listUrl = context.Request.PathBase + area.Url("groups");
        var rows = new List<Html>();
        await foreach (var g in groups.ListAsync(context.RequestAborted))
        {
            var list = GroupMembers.Of(members, g.Name).OrderBy(m => m.UserName, StringComparer.Ordinal).ToList();
            var memberHtml = list.Take(20).Select(m => Html.Of(
                $"<li><a href=\"{context.Request.PathBase + area.Url("accounts/" + Uri.EscapeDataString(m.UserName))}\">{m.UserName}</a> <span class=\"badge\">{m.Type.ToString().ToLowerInvariant()}</span></li>")).ToList();
            string url = listUrl + "/" + Uri.EscapeDataString(g.Name);
            Html quota = g.QuotaSize > 0 || g.QuotaFiles > 0
                ? Html.Of($"{(g.QuotaSize > 0 ? WebAdminHtml.Bytes(g.QuotaSize) : "")} {(g.QuotaFiles > 0 ? g.QuotaFiles.ToString(CultureInfo.InvariantCulture) + " files" : "")}")
                : Html.Raw("<span class=\"muted\">none</span>");
            rows.Add(Html.Of($"""
                <tr data-group="{g.Name}">
                <td data-label="Group"><a href="{url}">{g.Name}</a>{Html.If(!string.IsNullOrEmpty(g.Description), Html.Of($"<br><span class=\"muted\">{g.Description}</span>"))}</td>
                <td data-label="Home"><code>{g.HomeDirectory ?? ""}</code>{Html.If(g.FileSystem is not null, Html.Of($" <span class=\"badge\">{g.FileSystem?.Provider}</span>"))}</td>
                <td data-label="Quota">{quota}</td>
                <td data-label="Folders">{g.VirtualFolders.Count.ToString(CultureInfo.InvariantCulture)}</td>
                <td data-label="Members">{(list.Count == 0 ? Html.Raw("<span class=\"muted\">none</span>") : Html.Of($"<ul class=\"plain\">{memberHtml}</ul>"))}</td>
                <td data-label="">{Html.If(list.Count == 0, WebForms.Button(context, url + "/delete", "Delete", $"Delete the group {g.Name}?", "button danger small"))}</td>
                </tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The group was created.",
            "saved" => "The group was saved; its members get the change at their next login.",
            "deleted" => "The group was deleted.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Groups</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><a class="button" id="new-group" href="{listUrl}/new">New group</a></div>
            <div class="table-wrap"><table class="responsive" id="groups">
            <thead><tr><th>Group</th><th>Home</th><th>Quota</th><th>Folders</th><th>Members</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No groups.</p>"))}
            <p class="hint">A group with members cannot be deleted: remove it from its accounts first.</p>
            """);
        return WebResults.Page(context, "Groups", body);
    }

    private static async Task<IResult> EditAsync(string name, HttpContext context, ISftpGroupStore groups)
    {
        var stored = await groups.FindAsync(name, context.RequestAborted);
        return stored is null ? WebResults.Error(context, StatusCodes.Status404NotFound) : Form(context, name, StoredJson(stored), null);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpGroupStore groups, ISftpFolderStore folders, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = new JsonObject { ["name"] = WebForms.Value(form, "name") ?? "" };
        var errors = await ApplyAsync(form, json, folders, context.RequestAborted);
        if (!errors.IsEmpty)
        {
            return Form(context, null, json, errors);
        }
        var (created, result, conflict) = await GroupEndpoints.CreateGroupAsync(json.DeepClone(), context, groups, admin);
        if (conflict is not null)
        {
            var problem = new ValidationErrors();
            problem.Add("name", conflict);
            return Form(context, null, json, problem, StatusCodes.Status409Conflict);
        }
        return created is null ? Form(context, null, json, result) : WebResults.SeeOther(context, "groups?done=created");
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ISftpGroupStore groups, ISftpFolderStore folders, AdminServices admin)
    {
        var stored = await groups.FindAsync(name, context.RequestAborted);
        if (stored is null)
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = StoredJson(stored);
        var errors = await ApplyAsync(form, json, folders, context.RequestAborted);
        if (!errors.IsEmpty)
        {
            return Form(context, name, json, errors);
        }
        var (updated, result) = await GroupEndpoints.UpdateGroupAsync(name, json.DeepClone(), context, groups, admin);
        if (updated is null)
        {
            return result.IsEmpty ? WebResults.Error(context, StatusCodes.Status404NotFound) : Form(context, name, json, result);
        }
        return WebResults.SeeOther(context, "groups?done=saved");
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ISftpUserStore users, ISftpGroupStore groups, AdminServices admin)
    {
        var (found, conflict) = await GroupEndpoints.DeleteGroupAsync(name, context, users, groups, admin);
        if (conflict is not null)
        {
            return WebResults.Page(context, "Groups", Html.Of($"""
                <h1>Groups</h1><p class="alert error" role="alert" id="form-errors">{conflict}</p>
                <p><a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("groups")}">Back</a></p>
                """), StatusCodes.Status409Conflict);
        }
        return found ? WebResults.SeeOther(context, "groups?done=deleted") : WebResults.Error(context, StatusCodes.Status404NotFound);
    }

    /// <summary>The group's API JSON (secret settings redacted, restored on save), without the read-only members.</summary>
    private static JsonObject StoredJson(SftpGroup group)
    {
        var json = GroupJson.Write(group, []);
        json.Remove("users");
        return json;
    }

    /// <summary>
    /// Puts the form's fields into the group JSON; a folder line naming a folder the group does not mount yet takes the
    /// folder's definition from the folder store. Errors for numbers that are not numbers and unknown folders.
    /// </summary>
    private static async Task<ValidationErrors> ApplyAsync(IFormCollection form, JsonObject json, ISftpFolderStore folders, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        json["description"] = WebForms.Value(form, "description");
        json["homeDirectory"] = WebForms.Value(form, "homeDirectory");
        string? provider = WebForms.Value(form, "provider");
        if (provider is null)
        {
            json["fileSystem"] = null;
        }
        else
        {
            if (json["fileSystem"] is not JsonObject fs)
            {
                json["fileSystem"] = fs = new JsonObject();
            }
            fs["provider"] = provider;
            fs["root"] = WebForms.Value(form, "root");
        }
        foreach (string field in s_numbers)
        {
            string? text = WebForms.Value(form, field);
            if (text is null)
            {
                json[field] = 0;
            }
            else if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                json[field] = n;
            }
            else
            {
                errors.Add(field, "Enter a whole number (0 = not set).");
            }
        }
        json["allowedIPs"] = AccountsPages.Array(WebForms.Lines(form, "allowedIPs"));
        json["deniedIPs"] = AccountsPages.Array(WebForms.Lines(form, "deniedIPs"));
        json["deniedLoginMethods"] = AccountsPages.Array(form["deniedLoginMethods"].OfType<string>());
        var permissions = new JsonObject();
        foreach (string line in WebForms.Lines(form, "permissions"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add("permissions", $"Write each line as PATH: PERMISSION, PERMISSION (got '{line}').");
                continue;
            }
            permissions[line[..colon].Trim()] = AccountsPages.Array(line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        json["permissions"] = permissions;
        json["filePatterns"] = AccountsPages.Filters(WebForms.Lines(form, "filePatterns"), errors);
        var mounts = AccountsPages.Mounts(WebForms.Lines(form, "virtualFolders"), json["virtualFolders"] as JsonArray, errors);
        foreach (var mount in mounts.OfType<JsonObject>().Where(m => m["fileSystem"] is null))
        {
            string name = mount["name"]?.GetValue<string>() ?? "";
            if (await folders.FindAsync(name, cancellationToken) is not { } folder)
            {
                errors.Add("virtualFolders", $"No folder named '{name}' (create it on the Folders page).");
                continue;
            }
            var defined = System.Text.Json.JsonSerializer.SerializeToNode(folder.MountAt(mount["virtualPath"]?.GetValue<string>() ?? ""), AdminJson.Options)!.AsObject();
            mount["fileSystem"] = defined["fileSystem"]?.DeepClone();
            mount["quotaSize"] = folder.QuotaSize;
            mount["quotaFiles"] = folder.QuotaFiles;
        }
        json["virtualFolders"] = mounts;
        return errors;
    }

    private static IResult Form(HttpContext context, string? name, JsonObject json, ValidationErrors? errors, int? status = null)
    {
        bool create = name is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "groups/new" : "groups/" + Uri.EscapeDataString(name!));
        static string Str(JsonNode? node) => node switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s ?? "",
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
        static string List(JsonNode? node) => node is JsonArray a ? string.Join(", ", a.Select(Str)) : "";
        string Number(string field) => json[field] is JsonValue v && v.TryGetValue(out long n) ? (n == 0 ? "" : n.ToString(CultureInfo.InvariantCulture)) : Str(json[field]);
        string Lines(string field) => json[field] is JsonArray a ? string.Join("\n", a.Select(Str)) : "";
        var fs = json["fileSystem"] as JsonObject;
        string permissions = json["permissions"] is JsonObject po
            ? string.Join("\n", po.Select(kv => kv.Key + ": " + List(kv.Value))) : "";
        string mounts = json["virtualFolders"] is JsonArray ma
            ? string.Join("\n", ma.OfType<JsonObject>().Select(m => Str(m["name"]) + ": " + Str(m["virtualPath"]))) : "";
        string filters = json["filePatterns"] is JsonArray fa
            ? string.Join("\n", fa.OfType<JsonObject>().Select(f => Str(f["path"]) + " | " + List(f["allowedPatterns"]) + " | " + List(f["deniedPatterns"]))) : "";
        var denied = json["deniedLoginMethods"] is JsonArray da ? da.Select(Str).ToHashSet(StringComparer.Ordinal) : [];
        Html Method(string method) => Html.Of(
            $"<label class=\"check\"><input type=\"checkbox\" name=\"deniedLoginMethods\" value=\"{method}\"{Html.If(denied.Contains(method), Html.Raw(" checked"))}> {method}</label>");
        var fields = Html.Of($"""
            <div class="form-grid">
            <div>
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="{Str(json["name"])}" {(create ? Html.Raw("required maxlength=\"256\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Str(json["description"])}">
            <label for="homeDirectory">Home directory template</label>
            <input type="text" id="homeDirectory" name="homeDirectory" value="{Str(json["homeDirectory"])}" placeholder="/srv/sftp/%username%" spellcheck="false">
            <label for="provider">Storage provider (empty = the member's)</label>
            <input type="text" id="provider" name="provider" value="{Str(fs?["provider"])}" maxlength="64" autocapitalize="none" spellcheck="false">
            <label for="root">Storage root / prefix</label>
            <input type="text" id="root" name="root" value="{Str(fs?["root"])}" spellcheck="false">
            <p class="hint"><code>%username%</code> and <code>%role%</code> are replaced by the member's user name and role.</p>
            </div>
            <div>
            <label for="permissions">Permissions</label>
            <textarea id="permissions" name="permissions" placeholder="/: list, download">{permissions}</textarea>
            <label for="virtualFolders">Virtual folders</label>
            <textarea id="virtualFolders" name="virtualFolders" placeholder="shared: /shared" spellcheck="false">{mounts}</textarea>
            <label for="filePatterns">File-name filters</label>
            <textarea id="filePatterns" name="filePatterns" placeholder="/photos | *.jpg | *.exe" spellcheck="false">{filters}</textarea>
            <label for="allowedIPs">Allowed networks</label>
            <textarea id="allowedIPs" name="allowedIPs">{Lines("allowedIPs")}</textarea>
            <label for="deniedIPs">Denied networks</label>
            <textarea id="deniedIPs" name="deniedIPs">{Lines("deniedIPs")}</textarea>
            <fieldset><legend>Denied login methods</legend>{Method("password")}{Method("publickey")}{Method("keyboard-interactive")}</fieldset>
            </div>
            <div>
            <label for="quotaSize">Quota size (bytes, 0 = not set)</label>
            <input type="number" min="0" id="quotaSize" name="quotaSize" value="{Number("quotaSize")}">
            <label for="quotaFiles">Quota files (0 = not set)</label>
            <input type="number" min="0" id="quotaFiles" name="quotaFiles" value="{Number("quotaFiles")}">
            <label for="maxUploadFileSize">Largest upload (bytes, 0 = not set)</label>
            <input type="number" min="0" id="maxUploadFileSize" name="maxUploadFileSize" value="{Number("maxUploadFileSize")}">
            <label for="uploadBandwidth">Upload bandwidth (KiB/s, 0 = not set)</label>
            <input type="number" min="0" id="uploadBandwidth" name="uploadBandwidth" value="{Number("uploadBandwidth")}">
            <label for="downloadBandwidth">Download bandwidth (KiB/s, 0 = not set)</label>
            <input type="number" min="0" id="downloadBandwidth" name="downloadBandwidth" value="{Number("downloadBandwidth")}">
            <label for="maxSessions">Concurrent sessions (0 = not set)</label>
            <input type="number" min="0" id="maxSessions" name="maxSessions" value="{Number("maxSessions")}">
            </div>
            </div>
            <p class="actions"><button type="submit" id="save-group">{(create ? "Create group" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("groups")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New group" : "Group " + name)}</h1>
            {WebAdminHtml.Errors(errors)}
            <p class="hint">A primary group's home directory and storage replace its members'; its limits apply where a member's are 0. Folders, permissions and filters are added where the member has none for the same path; networks and denied methods are appended. Members get changes at their next login.</p>
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        int code = status ?? (errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        return WebResults.Page(context, create ? "New group" : name!, body, code);
    }
}
