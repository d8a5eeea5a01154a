using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;
using SftpKit.Events;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>roles</c>: the roles accounts and admins may be bound to (name, description, how many accounts and admins have
/// it); create, edit, delete. Permission <c>manage_roles</c> and an admin bound to no role, like <c>/roles</c>, saved by
/// the same code.
/// </summary>
internal static class RolesPages
{
    public static void Map(RouteGroupBuilder group)
    {
        var roles = group.MapGroup("/roles").RequireSignIn(user => WebAdminSession.Has(user, SftpAdminPermissions.ManageRoles) && !AdminRoleScope.IsBound(user));
        roles.MapGet("/", ListAsync);
        roles.MapGet("/new", (HttpContext context) => Form(context, null, new SftpRole(), null));
        roles.MapPost("/new", CreateAsync);
        roles.MapGet("/{name}", EditAsync);
        roles.MapPost("/{name}", UpdateAsync);
        roles.MapPost("/{name}/delete", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext context, AdminServices admin, ISftpUserStore users, IServiceProvider services)
    {
        var accounts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var account in users.ListAsync(context.RequestAborted))
        {
            if (account.Role is { } r)
            {
                accounts[r] = accounts.GetValueOrDefault(r) + 1;
            }
        }
        var admins = new Dictionary<string, int>(StringComparer.Ordinal);
        if (services.GetService(typeof(ISftpAdminStore)) is ISftpAdminStore adminStore)
        {
            await foreach (var a in adminStore.ListAsync(context.RequestAborted))
            {
                if (a.Role is { } r)
                {
                    admins[r] = admins.GetValueOrDefault(r) + 1;
                }
            }
        }
        var area = WebArea.Of(context);
        string listUrl = context.Request.PathBase + area.Url("roles");
        var rows = new List<Html>();
        await foreach (var role in admin.Roles.ListAsync(context.RequestAborted))
        {
            string url = listUrl + "/" + Uri.EscapeDataString(role.Name);
            int inUse = accounts.GetValueOrDefault(role.Name) + admins.GetValueOrDefault(role.Name);
            rows.Add(Html.Of($"""
                <tr data-role="{role.Name}">
                <td data-label="Role"><a href="{url}">{role.Name}</a></td>
                <td data-label="Description">{role.Description ?? ""}</td>
                <td data-label="Accounts">{accounts.GetValueOrDefault(role.Name)}</td>
                <td data-label="Admins">{admins.GetValueOrDefault(role.Name)}</td>
                <td data-label="">{Html.If(inUse == 0, WebForms.Button(context, url + "/delete", "Delete", $"Delete the role {role.Name}?", "button danger small"))}</td>
                </tr>
                """));
        }
        string? done = context.Request.Query["done"].ToString() switch
        {
            "created" => "The role was created.",
            "saved" => "The role was saved.",
            "deleted" => "The role was deleted.",
            _ => null,
        };
        var body = Html.Of($"""
            <h1>Roles</h1>
            {WebAdminHtml.Notice(done)}
            <div class="toolbar"><a class="button" id="new-role" href="{listUrl}/new">New role</a></div>
            <div class="table-wrap"><table class="responsive" id="roles">
            <thead><tr><th>Role</th><th>Description</th><th>Accounts</th><th>Admins</th><th></th></tr></thead>
            <tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No roles.</p>"))}
            <p class="hint">An admin bound to a role sees and manages only the accounts of that role. A role in use cannot be deleted.</p>
            """);
        return WebResults.Page(context, "Roles", body);
    }

    private static async Task<IResult> EditAsync(string name, HttpContext context, AdminServices admin) =>
        await admin.Roles.FindAsync(name, context.RequestAborted) is { } role
            ? Form(context, name, role, null)
            : WebResults.Error(context, StatusCodes.Status404NotFound);

    private static async Task<IResult> CreateAsync(HttpContext context, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var json = new JsonObject { ["name"] = WebForms.Value(form, "name") ?? "", ["description"] = WebForms.Value(form, "description") };
        var errors = new ValidationErrors();
        var role = RoleEndpoints.Read(json, errors);
        if (role is null)
        {
            return Form(context, null, new SftpRole { Name = WebForms.Value(form, "name") ?? "", Description = WebForms.Value(form, "description") }, errors);
        }
        var (created, conflict) = await RoleEndpoints.CreateRoleAsync(role, context, admin);
        if (!created)
        {
            errors.Add("name", conflict ?? "The role could not be created.");
            return Form(context, null, role, errors, StatusCodes.Status409Conflict);
        }
        return WebResults.SeeOther(context, "roles?done=created");
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var role = new SftpRole { Name = name, Description = WebForms.Value(form, "description") };
        var errors = new ValidationErrors();
        if (role.Description is { Length: > AccountValidator.MaxDescriptionLength })
        {
            errors.Add("description", $"At most {AccountValidator.MaxDescriptionLength} characters.");
            return Form(context, name, role, errors);
        }
        if (!await admin.Roles.UpdateAsync(role, context.RequestAborted))
        {
            return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
        AdminLog.RoleUpdated(admin.Logger, context.User.Identity?.Name, name);
        ProviderChanges.Updated(context, SftpProviderEvents.Role, name);
        return WebResults.SeeOther(context, "roles?done=saved");
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, AdminServices admin)
    {
        var (deleted, conflict) = await RoleEndpoints.DeleteRoleAsync(name, context, admin);
        if (conflict is not null)
        {
            return WebResults.Page(context, "Roles", Html.Of($"""
                <h1>Roles</h1><p class="alert error" role="alert" id="form-errors">{conflict}</p>
                <p><a class="button secondary" href="{context.Request.PathBase + WebArea.Of(context).Url("roles")}">Back</a></p>
                """), StatusCodes.Status409Conflict);
        }
        return deleted ? WebResults.SeeOther(context, "roles?done=deleted") : WebResults.Error(context, StatusCodes.Status404NotFound);
    }

    private static IResult Form(HttpContext context, string? name, SftpRole role, ValidationErrors? errors, int? status = null)
    {
        bool create = name is null;
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(create ? "roles/new" : "roles/" + Uri.EscapeDataString(name!));
        var fields = Html.Of($"""
            <label for="name">Name</label>
            <input type="text" id="name" name="name" value="{role.Name}" {(create ? Html.Raw("required maxlength=\"255\" autocapitalize=\"none\" spellcheck=\"false\"") : Html.Raw("readonly"))}>
            <label for="description">Description</label>
            <input type="text" id="description" name="description" value="{role.Description ?? ""}">
            <p class="actions"><button type="submit" id="save-role">{(create ? "Create role" : "Save")}</button> <a class="button secondary" href="{context.Request.PathBase + area.Url("roles")}">Cancel</a></p>
            """);
        var body = Html.Of($"""
            <h1>{(create ? "New role" : "Role " + name)}</h1>
            {WebAdminHtml.Errors(errors)}
            <section class="card">{WebForms.PostForm(context, action, fields)}</section>
            """);
        int code = status ?? (errors is null || errors.IsEmpty ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        return WebResults.Page(context, create ? "New role" : name!, body, code);
    }

    /// <summary>
    /// A role select for the account and admin forms: an unbound admin picks any role or none; a bound admin sees its
    /// own role only (the server sets it anyway).
    /// </summary>
    public static async Task<Html> SelectAsync(HttpContext context, ISftpRoleStore roles, string? current)
    {
        if (AdminRoleScope.RoleOf(context.User) is { } mine)
        {
            return Html.Of($"""
                <label for="role">Role</label>
                <select id="role" name="role"><option value="{mine}" selected>{mine}</option></select>
                """);
        }
        var options = new List<Html> { Html.Of($"<option value=\"\"{Html.Raw(current is null ? " selected" : "")}>(none)</option>") };
        bool found = current is null;
        await foreach (var role in roles.ListAsync(context.RequestAborted))
        {
            found |= role.Name == current;
            options.Add(Html.Of($"<option value=\"{role.Name}\"{Html.Raw(role.Name == current ? " selected" : "")}>{role.Name}</option>"));
        }
        if (!found)
        {
            options.Add(Html.Of($"<option value=\"{current}\" selected>{current} (unknown)</option>"));
        }
        return Html.Of($"""
            <label for="role">Role</label>
            <select id="role" name="role">{options}</select>
            """);
    }
}
