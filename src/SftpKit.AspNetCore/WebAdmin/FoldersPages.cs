using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Folders;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>folders</c>: virtual folders (name, storage, quota usage, the accounts mounting them); create, edit, delete;
/// permission <c>manage_folders</c> like <c>/folders</c>. The form becomes the API's folder JSON (for an edit, the
/// stored folder's JSON with the form's fields replaced, so storage settings the form does not show are kept) and is
/// saved by the same code as <c>POST</c>/<c>PUT</c>/<c>DELETE /folders</c>.
/// </summary>
internal static class FoldersPages
{
    public static void Map(RouteGroupBuilder group)
    {
        var folders = group.MapGroup("/folders").RequireAdmin(SftpAdminPermissions.ManageFolders);
        folders.MapGet("/", ListAsync);
        folders.MapGet("/new", (HttpContext context) => Form(context, null, new JsonObject { ["fileSystem"] = new JsonObject { ["provider"] = "local" } }, null));
        folders.MapPost("/new", CreateAsync);
        folders.MapGet("/{name}", EditAsync);
        folders.MapPost("/{name}", UpdateAsync);
        folders.MapPost("/{name}/delete", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore users, ISftpFolderStore folders, IServiceProvider services)
    {
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        var area = WebArea.Of(context);
        string listUrl = context.Request.PathBase + area.Url("folders");
        var rows = new List<Html>();
        foreach (var entry in catalog.Values)
        {
            var f = entry.Folder;
            Html quota;
            if (f.QuotaSize > 0 || f.QuotaFiles > 0)
            {
                var usage = quotas is null ? default : await quotas.GetAsync(SftpQuotaOwner.Folder(f.Name), context.RequestAborted);
                quota = Html.Of($"""
                    <div class="usage">{WebAdminHtml.Usage(usage.Size, f.QuotaSize, WebAdminHtml.Bytes)}</div>
                    <div class="usage">{WebAdminHtml.Usage(usage.Files, f.QuotaFiles, n => n.ToString(CultureInfo.InvariantCulture) + " files")}</div>
                    """);
            }
            else
            {
                quota = Html.Raw("<span class=\"muted\">the account's quota</span>");
            }
            var mounts = entry.Mounts.OrderBy(m => m.UserName, StringComparer.Ordinal).Select(m => Html.Of(
                $"<li><a href=\"{context.Request.PathBase + area.Url("accounts/" + Uri.EscapeDataString(m.UserName))}\">{m.UserName}</a> <code>{m.VirtualPath}</code></li>")).ToList();
            string url = listUrl + "/" + Uri.EscapeDataString(f.Name);
            rows.Add(Html.Of($"""
                <tr data-folder="{f.Name}">
                <td data-label="Folder"><a href="{url}">{f.Name}</a>{Html.If(!string.IsNullOrEmpty(f.Description), Html.Of($"<br><span class=\"muted\">{f.Description}</span>"))}</td>
                <td data-label="Storage"><span class="badge">{f.FileSystem.Provider}</span> <code>{f.FileSystem.Root ?? ""}</code></td>
                <td data-label="Quota">{quota}</td>
                <td data-label="Accounts">{(mounts.Count == 0 ? Html.Raw("<span class=\"muted\">none</span>") : Html.Of($"<ul class=\"plain\">{mounts}</ul>"))}</td>
                <td data-label="">{Html.If(mounts.Count == 0, WebForms.Button(context, url + "/delete", "Delete", $"Delete the folder {f.Name}? Its files stay.", "button danger small"))}</td>
                </tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The folder was created.",
            "saved" => "The folder was saved; accounts mounting it use the new storage and quota.",
            "deleted" => "The folder was deleted (its files were not).",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Virtual folders</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><a class="button" id="new-folder" href="{listUrl}/new">New folder</a></div>
            <div class="table-wrap"><table class="responsive" id="folders">
            <thead><tr><th>Folder</th><th>Storage</th><th>Quota</th><th>Accounts</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No virtual folders.</p>"))}
            <p class="hint">A folder mounted by an account cannot be deleted: remove it from the account first.</p>
            """);
        return WebResults.Page(context, "Virtual folders", body);
    }

    private static async Task<IResult> EditAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders)
    {
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        return Form(context, name, await StoredJsonAsync(entry, context), null);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = new JsonObject { ["name"] = WebForms.Value(form, "name") ?? "", ["fileSystem"] = new JsonObject() };
        var errors = Apply(form, json);
        if (!errors.IsEmpty)
        {
            return Form(context, null, json, errors);
        }
        var result = await FolderEndpoints.CreateFolderAsync(json.DeepClone(), context, users, folders, admin);
        if (result.Conflict is not null)
        {
            var conflict = new ValidationErrors();
            conflict.Add("name", result.Conflict);
            return Form(context, null, json, conflict, StatusCodes.Status409Conflict);
        }
        return result.Folder is null ? Form(context, null, json, result.Errors) : WebResults.SeeOther(context, "folders?done=created");
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = await StoredJsonAsync(entry, context);
        var errors = Apply(form, json);
        if (!errors.IsEmpty)
        {
            return Form(context, name, json, errors);
        }
        var (updated, result) = await FolderEndpoints.UpdateFolderAsync(name, json.DeepClone(), context, users, folders, admin);
        if (updated is null)
        {
            return result.IsEmpty ? WebResults.Error(context, StatusCodes.Status404NotFound) : Form(context, name, json, result);
        }
        return WebResults.SeeOther(context, "folders?done=saved");
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var (found, conflict) = await FolderEndpoints.DeleteFolderAsync(name, context, users, folders, admin);
        if (conflict is not null)
        {
            return WebResults.Page(context, "Virtual folders", Html.Of($"""
                <h1>Virtual folders</h1><p class="alert error" role="alert" id="form-errors">{conflict}</p>
                <p><a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("folders")}">Back</a></p>
                """), StatusCodes.Status409Conflict);
        }
        return found ? WebResults.SeeOther(context, "folders?done=deleted") : WebResults.Error(context, StatusCodes.Status404NotFound);
    }

    /// <summary>The folder's API JSON (secret settings redacted, restored on save), without the read-only members.</summary>
    private static async Task<JsonObject> StoredJsonAsync(FolderEntry entry, HttpContext context)
    {
        var json = await FolderJson.WriteAsync(entry, null, context.RequestAborted);
        json.Remove("users");
        return json;
    }

    /// <summary>Puts the form's fields into the folder JSON; errors for numbers that are not numbers.</summary>
    private static ValidationErrors Apply(IFormCollection form, JsonObject json)
    {
        var errors = new ValidationErrors();
        if (json["fileSystem"] is not JsonObject fs)
        {
            json["fileSystem"] = fs = new JsonObject();
        }
        fs["provider"] = WebForms.Value(form, "provider") ?? "local";
        fs["root"] = WebForms.Value(form, "root");
        json["description"] = WebForms.Value(form, "description");
        foreach (string field in (string[])["quotaSize", "quotaFiles"])
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
                errors.Add(field, "Enter a whole number (0 = the account's quota).");
            }
        }
        return errors;
    }

    private static IResult Form(HttpContext context, string? name, JsonObject json, ValidationErrors? errors, int? status = null)
    {
        bool create = name is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "folders/new" : "folders/" + Uri.EscapeDataString(name!));
        static string Text(JsonNode? node) => node switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s ?? "",
            JsonValue v => v.ToJsonString(),
            _ => "",
        };
        string Number(string field) => json[field] is JsonValue v && v.TryGetValue(out long n) ? (n == 0 ? "" : n.ToString(CultureInfo.InvariantCulture)) : Text(json[field]);
        var fs = json["fileSystem"] as JsonObject;
        int settings = fs?["settings"] is JsonObject so ? so.Count : 0;
        var fields = Html.Of($"""
            <div class="form-grid">
            <div>
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="{Text(json["name"])}" {(create ? Html.Raw("required maxlength=\"256\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Text(json["description"])}">
            </div>
            <div>
            <label for="provider">Storage provider</label>
            <input type="text" id="provider" name="provider" value="{Text(fs?["provider"])}" required maxlength="64" autocapitalize="none" spellcheck="false">
            <label for="root">Path (root)</label>
            <input type="text" id="root" name="root" value="{Text(fs?["root"])}" spellcheck="false">
            {Html.If(settings > 0, Html.Of($"<p class=\"hint\">{settings} storage setting(s) are kept as they are (change them through the API).</p>"))}
            </div>
            <div>
            <label for="quotaSize">Quota size (bytes, 0 = the account's)</label>
            <input type="number" min="0" id="quotaSize" name="quotaSize" value="{Number("quotaSize")}">
            <label for="quotaFiles">Quota files (0 = the account's)</label>
            <input type="number" min="0" id="quotaFiles" name="quotaFiles" value="{Number("quotaFiles")}">
            </div>
            </div>
            <p class="actions"><button type="submit" id="save-folder">{(create ? "Create folder" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("folders")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New folder" : "Folder " + name)}</h1>
            {WebAdminHtml.Errors(errors)}
            {Html.If(!create, Html.Raw("<p class=\"hint\">A change of storage or quota applies to every account mounting the folder.</p>"))}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        int code = status ?? (errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        return WebResults.Page(context, create ? "New folder" : name!, body, code);
    }
}
