using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/roles</c>: the roles accounts and admins may be bound to. Needs <see cref="SftpAdminPermissions.ManageRoles"/>
/// and an admin bound to no role (a role-bound admin gets 403). A role cannot be deleted while an account or an admin
/// names it (409).
/// </summary>
internal static class RoleEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var roles = group.MapGroup("/roles").WithTags("Roles");
        secure(roles.MapGet("/", ListAsync).WithName("ListRoles").WithSummary("Every role in name order.")
            .Produces<SftpRole[]>(), SftpAdminPermissions.ManageRoles);
        secure(roles.MapPost("/", CreateAsync).WithName("CreateRole").WithSummary("Creates a role ({name, description}).")
            .Produces<SftpRole>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict),
            SftpAdminPermissions.ManageRoles);
        secure(roles.MapGet("/{name}", GetAsync).WithName("GetRole").WithSummary("One role.")
            .Produces<SftpRole>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageRoles);
        secure(roles.MapPut("/{name}", UpdateAsync).WithName("UpdateRole").WithSummary("Replaces a role's description (the name cannot change).")
            .Produces<SftpRole>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageRoles);
        secure(roles.MapDelete("/{name}", DeleteAsync).WithName("DeleteRole").WithSummary("Deletes a role; refused with 409 while an account or admin names it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict),
            SftpAdminPermissions.ManageRoles);
    }

    private static IResult? Unbound(HttpContext context) =>
        AdminRoleScope.IsBound(context.User) ? AdminRequest.Forbidden("Admins bound to a role cannot manage roles.") : null;

    private static async Task<IResult> ListAsync(HttpContext context, AdminServices admin)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var list = new List<SftpRole>();
        await foreach (var role in admin.Roles.ListAsync(context.RequestAborted))
        {
            list.Add(role);
        }
        return Results.Json(list, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext context, AdminServices admin) =>
        Unbound(context) ?? (await admin.Roles.FindAsync(name, context.RequestAborted) is { } role
            ? Results.Json(role, AdminJson.Options)
            : AdminRequest.NotFound("role"));

    private static async Task<IResult> CreateAsync(HttpContext context, AdminServices admin)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        var role = Read(node, errors);
        if (role is null)
        {
            return AdminRequest.Invalid(errors);
        }
        var (created, conflict) = await CreateRoleAsync(role, context, admin);
        return created
            ? Results.Json(role, AdminJson.Options, statusCode: StatusCodes.Status201Created).WithLocation(context, "roles/" + Uri.EscapeDataString(role.Name))
            : AdminRequest.Conflict(conflict!);
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, AdminServices admin)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        if (node is JsonObject obj && !obj.ContainsKey("name"))
        {
            obj["name"] = name;
        }
        var errors = new ValidationErrors();
        var role = Read(node, errors);
        if (role is not null && role.Name != name)
        {
            errors.Add("name", "The role name cannot be changed: it must match the URL.");
        }
        if (role is null || !errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        if (!await admin.Roles.UpdateAsync(role, context.RequestAborted))
        {
            return AdminRequest.NotFound("role");
        }
        AdminLog.RoleUpdated(admin.Logger, context.User.Identity?.Name, role.Name);
        ProviderChanges.Updated(context, SftpProviderEvents.Role, role.Name);
        return Results.Json(role, AdminJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, AdminServices admin)
    {
        if (Unbound(context) is { } refused)
        {
            return refused;
        }
        var (deleted, conflict) = await DeleteRoleAsync(name, context, admin);
        return conflict is not null ? AdminRequest.Conflict(conflict) : deleted ? Results.NoContent() : AdminRequest.NotFound("role");
    }

    /// <summary>Reads and checks a role body: <c>name</c> (the account name rules) and <c>description</c> (at most 4096 characters).</summary>
    internal static SftpRole? Read(JsonNode? node, ValidationErrors errors)
    {
        if (node is null)
        {
            errors.Add("body", "A role must be a JSON object.");
            return null;
        }
        var role = AdminJson.TryRead<SftpRole>(node, "", errors, "A role");
        if (role is null)
        {
            return null;
        }
        if (NameRules.CheckUserName(role.Name) is { } nameError)
        {
            errors.Add("name", "The role name " + nameError);
        }
        if (role.Description is { Length: > AccountValidator.MaxDescriptionLength })
        {
            errors.Add("description", $"At most {AccountValidator.MaxDescriptionLength} characters.");
        }
        return errors.IsEmpty ? role : null;
    }

    /// <summary>Stores a new role (API and WebAdmin): created, or the conflict's text.</summary>
    internal static async Task<(bool Created, string? Conflict)> CreateRoleAsync(SftpRole role, HttpContext context, AdminServices admin)
    {
        try
        {
            await admin.Roles.CreateAsync(role, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return (false, "A role with this name exists.");
        }
        AdminLog.RoleCreated(admin.Logger, context.User.Identity?.Name, role.Name);
        ProviderChanges.Added(context, SftpProviderEvents.Role, role.Name);
        return (true, null);
    }

    /// <summary>Deletes a role (API and WebAdmin) unless an account or admin names it: deleted, or the conflict's text.</summary>
    internal static async Task<(bool Deleted, string? Conflict)> DeleteRoleAsync(string name, HttpContext context, AdminServices admin)
    {
        var users = context.RequestServices.GetRequiredService<ISftpUserStore>();
        await foreach (var account in users.ListAsync(context.RequestAborted))
        {
            if (account.Role == name)
            {
                return (false, "An account has this role; move or delete its accounts first.");
            }
        }
        if (context.RequestServices.GetService<ISftpAdminStore>() is { } admins)
        {
            await foreach (var a in admins.ListAsync(context.RequestAborted))
            {
                if (a.Role == name)
                {
                    return (false, "An admin is bound to this role; change or delete it first.");
                }
            }
        }
        if (!await admin.Roles.DeleteAsync(name, context.RequestAborted))
        {
            return (false, null);
        }
        AdminLog.RoleDeleted(admin.Logger, context.User.Identity?.Name, name);
        ProviderChanges.Deleted(context, SftpProviderEvents.Role, name);
        return (true, null);
    }
}
