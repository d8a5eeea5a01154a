using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>admins</c>: list, create, edit (permissions, networks, password, enabled), delete; permission
/// <c>manage_admins</c>. Saved by the same code as <c>/admins</c> (validation, "you cannot disable, demote or delete
/// yourself", hashing, log).
/// </summary>
internal static class AdminsPages
{
    public static void Map(RouteGroupBuilder group)
    {
        var admins = group.MapGroup("/admins").RequireAdmin(SftpAdminPermissions.ManageAdmins);
        admins.MapGet("/", ListAsync);
        admins.MapGet("/new", async (HttpContext context, AdminServices services) => await FormAsync(context, services, null, new JsonObject { ["enabled"] = true }, null));
        admins.MapPost("/new", async (HttpContext context, ISftpAdminStore store, AdminServices services) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var json = FromForm(form, new JsonObject { ["userName"] = WebForms.Value(form, "userName") ?? "" });
            var (admin, errors, _, _) = await AdminAccountEndpoints.CreateAdminFromJsonAsync(json.DeepClone(), context, store, services);
            return admin is null ? await FormAsync(context, services, null, json, errors) : WebResults.SeeOther(context, "admins?done=created");
        });
        admins.MapGet("/{userName}", async (string userName, HttpContext context, ISftpAdminStore store, AdminServices services) =>
            await store.FindAsync(userName, context.RequestAborted) is { } a && AdminRoleScope.Sees(context.User, a)
                ? await FormAsync(context, services, userName, AdminAccountEndpoints.WriteAdmin(a), null)
                : WebResults.Error(context, StatusCodes.Status404NotFound));
        admins.MapPost("/{userName}", async (string userName, HttpContext context, ISftpAdminStore store, AdminServices services) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var json = FromForm(form, new JsonObject { ["userName"] = userName });
            var (admin, errors, notFound, _) = await AdminAccountEndpoints.UpdateAdminFromJsonAsync(userName, json.DeepClone(), context, store, services);
            if (notFound)
            {
                return WebResults.Error(context, StatusCodes.Status404NotFound);
            }
            return admin is null ? await FormAsync(context, services, userName, json, errors) : WebResults.SeeOther(context, "admins?done=saved");
        });
        admins.MapPost("/{userName}/delete", async (string userName, HttpContext context, ISftpAdminStore store, AdminServices services) =>
        {
            if (userName == AdminRequest.Actor(context))
            {
                return WebResults.SeeOther(context, "admins?done=self");
            }
            return await AdminAccountEndpoints.DeleteAdminCoreAsync(userName, context, store, services)
                ? WebResults.SeeOther(context, "admins?done=deleted")
                : WebResults.Error(context, StatusCodes.Status404NotFound);
        });
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpAdminStore store)
    {
        var area = WebArea.Of(context);
        var rows = new List<Html>();
        await foreach (var a in store.ListAsync(context.RequestAborted))
        {
            if (!AdminRoleScope.Sees(context.User, a))
            {
                continue;
            }
            string url = context.Request.PathBase + area.Url("admins/" + Uri.EscapeDataString(a.UserName));
            rows.Add(Html.Of($"""
                <tr data-admin="{a.UserName}"><td data-label="Admin"><a href="{url}">{a.UserName}</a></td>
                <td data-label="Status">{(a.Enabled ? Html.Raw("<span class=\"badge ok\">enabled</span>") : Html.Raw("<span class=\"badge off\">disabled</span>"))}</td>
                <td data-label="Role">{a.Role ?? ""}</td>
                <td data-label="Permissions">{string.Join(", ", a.Permissions)}</td>
                <td data-label="Networks">{(a.AllowedNetworks.Count == 0 ? "any" : string.Join(", ", a.AllowedNetworks))}</td>
                <td data-label="">{Html.If(a.UserName != AdminRequest.Actor(context), WebForms.Button(context, url + "/delete", "Delete", $"Delete the admin {a.UserName} and its API keys?", "button danger small"))}</td></tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The admin was created.",
            "saved" => "The admin was saved.",
            "deleted" => "The admin was deleted.",
            "self" => "You cannot delete yourself.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Admins</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><span></span><a class="button" id="new-admin" href="{context.Request.PathBase + area.Url("admins/new")}">New admin</a></div>
            <div class="table-wrap"><table class="responsive" id="admins"><thead><tr><th>Admin</th><th>Status</th><th>Role</th><th>Permissions</th><th>Networks</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>
            """);
        return WebResults.Page(context, "Admins", body);
    }

    private static JsonObject FromForm(IFormCollection form, JsonObject json)
    {
        if (WebForms.RawValue(form, "password") is { } password)
        {
            json["password"] = password;
        }
        json["enabled"] = WebForms.Checked(form, "enabled");
        json["allowApiKeyAuth"] = WebForms.Checked(form, "allowApiKeyAuth");
        json["description"] = WebForms.Value(form, "description");
        json["role"] = WebForms.Value(form, "role");
        json["permissions"] = new JsonArray(form["permissions"].Where(p => !string.IsNullOrEmpty(p)).Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        json["allowedNetworks"] = new JsonArray(WebForms.Lines(form, "allowedNetworks").Select(p => (JsonNode?)JsonValue.Create(p)).ToArray());
        return json;
    }

    private static async Task<IResult> FormAsync(HttpContext context, AdminServices services, string? userName, JsonObject json, ValidationErrors? errors)
    {
        var roleSelect = await RolesPages.SelectAsync(context, services.Roles, json["role"] is JsonValue rv && rv.TryGetValue(out string? rs) ? rs : null);
        bool create = userName is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "admins/new" : "admins/" + Uri.EscapeDataString(userName!));
        bool Flag(string name, bool fallback) => json[name] is JsonValue v && v.TryGetValue(out bool b) ? b : fallback;
        string Text(string name) => json[name] is JsonValue v && v.TryGetValue(out string? s) ? s ?? "" : "";
        var granted = json["permissions"] is JsonArray pa ? pa.Select(p => p?.ToString()).ToHashSet(StringComparer.Ordinal) : [];
        string networks = json["allowedNetworks"] is JsonArray na ? string.Join("\n", na.Select(n => n?.ToString())) : "";
        // A role-bound admin is offered only what it may grant: its own permissions, minus those no bound admin holds.
        var offered = AdminRoleScope.IsBound(context.User)
            ? SftpAdminPermissions.Names.Where(p => AdminRoleScope.Holds(context.User, p) && !SftpAdminPermissions.UnboundOnly.Contains(p))
            : SftpAdminPermissions.Names;
        var boxes = offered.Select(p => Html.Of(
            $"<label class=\"check\"><input type=\"checkbox\" name=\"permissions\" value=\"{p}\"{Html.If(granted.Contains(p), Html.Raw(" checked"))}> <code>{p}</code></label>"));
        var fields = Html.Of($"""
            <div class="form-grid">
            <div>
            <label for="userName">Name</label>
            <input type="text" id="userName" name="userName" value="{Text("userName")}" {(create ? Html.Raw("required maxlength=\"256\" autocapitalize=\"none\"") : Html.Raw("readonly"))}>
            <label for="password">{(create ? "Password" : "New password")}</label>
            <input type="password" id="password" name="password" autocomplete="new-password"{Html.If(create, Html.Raw(" required"))}>
            {Html.If(!create, Html.Raw("<p class=\"hint\">Leave empty to keep the current password.</p>"))}
            <label class="check"><input type="checkbox" name="enabled" id="enabled"{Html.If(Flag("enabled", true), Html.Raw(" checked"))}> Enabled</label>
            <label class="check"><input type="checkbox" name="allowApiKeyAuth" id="allowApiKeyAuth"{Html.If(Flag("allowApiKeyAuth", false), Html.Raw(" checked"))}> May use API keys</label>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{Text("description")}">
            {roleSelect}
            <p class="hint">An admin bound to a role manages only accounts of that role.</p>
            <label for="allowedNetworks">Allowed networks (empty = any)</label>
            <textarea id="allowedNetworks" name="allowedNetworks" placeholder="192.0.2.0/24">{networks}</textarea>
            </div>
            <div><label>Permissions</label>{boxes}</div>
            </div>
            <p class="actions"><button type="submit" id="save-admin">{(create ? "Create admin" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("admins")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New admin" : "Admin " + userName)}</h1>
            {WebAdminHtml.Errors(errors)}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        return WebResults.Page(context, create ? "New admin" : userName!, body, errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
