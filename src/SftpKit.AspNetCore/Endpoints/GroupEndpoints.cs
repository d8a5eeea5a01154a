using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Groups;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/groups</c>: settings shared by accounts (<see cref="SftpGroup"/>). A change applies to the members at their next
/// login; a group cannot be deleted while an account belongs to it (409).
/// </summary>
internal static class GroupEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var groups = group.MapGroup("/groups").WithTags("Groups");
        secure(groups.MapGet("/", ListAsync).WithName("ListGroups").WithSummary("Lists every group in name order with its settings and members.")
            .Produces<JsonArray>().ProducesValidationProblem(), SftpAdminPermissions.ManageGroups);
        secure(groups.MapPost("/", CreateAsync).WithName("CreateGroup").WithSummary("Creates a group.")
            .Produces<JsonObject>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), SftpAdminPermissions.ManageGroups);
        secure(groups.MapGet("/{name}", GetAsync).WithName("GetGroup").WithSummary("Reads one group with its members.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageGroups);
        secure(groups.MapPut("/{name}", UpdateAsync).WithName("UpdateGroup")
            .WithSummary("Replaces a group's settings; members get them at their next login.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageGroups);
        secure(groups.MapDelete("/{name}", DeleteAsync).WithName("DeleteGroup")
            .WithSummary("Deletes a group; refused with 409 while an account belongs to it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict),
            SftpAdminPermissions.ManageGroups);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore users, ISftpGroupStore groups, AdminServices admin, string? offset, string? limit)
    {
        var errors = new ValidationErrors();
        var (skip, take) = AdminRequest.Paging(offset, limit, admin.Options.MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var members = await GroupMembers.LoadAsync(users, context.RequestAborted);
        var page = new JsonArray();
        int index = 0;
        await foreach (var item in groups.ListAsync(context.RequestAborted))
        {
            if (index++ < skip)
            {
                continue;
            }
            if (page.Count == take)
            {
                break;
            }
            page.Add(GroupJson.Write(item, GroupMembers.Of(members, item.Name)));
        }
        return Results.Json(page, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext context, ISftpUserStore users, ISftpGroupStore groups)
    {
        var item = await groups.FindAsync(name, context.RequestAborted);
        if (item is null)
        {
            return AdminRequest.NotFound("group");
        }
        var members = await GroupMembers.LoadAsync(users, context.RequestAborted);
        return Results.Json(GroupJson.Write(item, GroupMembers.Of(members, name)), AdminJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpGroupStore groups, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var (created, errors, conflict) = await CreateGroupAsync(node, context, groups, admin);
        if (conflict is not null)
        {
            return AdminRequest.Conflict(conflict);
        }
        if (created is null)
        {
            return AdminRequest.Invalid(errors);
        }
        return Results.Json(GroupJson.Write(created, []), AdminJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation(context, "groups/" + Uri.EscapeDataString(created.Name));
    }

    /// <summary>Validates and stores a new group (<c>POST /groups</c>, also the WebAdmin's form).</summary>
    internal static async Task<(SftpGroup? Group, ValidationErrors Errors, string? Conflict)> CreateGroupAsync(JsonNode? node, HttpContext context,
        ISftpGroupStore groups, AdminServices admin)
    {
        var errors = new ValidationErrors();
        var group = GroupJson.Read(node, "", errors);
        if (group is not null)
        {
            admin.Validator.ValidateGroup(group, "", errors);
        }
        if (group is null || !errors.IsEmpty)
        {
            return (null, errors, null);
        }
        try
        {
            await groups.CreateAsync(group, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return (null, errors, "A group with this name exists.");
        }
        AdminLog.GroupCreated(admin.Logger, context.User.Identity?.Name, group.Name);
        ProviderChanges.Added(context, SftpProviderEvents.Group, group.Name);
        return (group, errors, null);
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ISftpUserStore users, ISftpGroupStore groups, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var (updated, errors) = await UpdateGroupAsync(name, node, context, groups, admin);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        if (updated is null)
        {
            return AdminRequest.NotFound("group");
        }
        var members = await GroupMembers.LoadAsync(users, context.RequestAborted);
        return Results.Json(GroupJson.Write(updated, GroupMembers.Of(members, name)), AdminJson.Options);
    }

    /// <summary>Replaces a group (<c>PUT /groups/{name}</c>, also the WebAdmin's form): the group, or errors, or neither when there is none.</summary>
    internal static async Task<(SftpGroup? Group, ValidationErrors Errors)> UpdateGroupAsync(string name, JsonNode? node, HttpContext context,
        ISftpGroupStore groups, AdminServices admin)
    {
        var errors = new ValidationErrors();
        if (node is JsonObject obj && !obj.ContainsKey("name"))
        {
            obj["name"] = name;
        }
        var group = GroupJson.Read(node, "", errors);
        if (group is not null)
        {
            if (!string.Equals(group.Name, name, StringComparison.Ordinal))
            {
                errors.Add("name", "The group name cannot be changed: it must match the URL.");
            }
            admin.Validator.ValidateGroup(group, "", errors);
        }
        if (group is null || !errors.IsEmpty)
        {
            return (null, errors);
        }
        var existing = await groups.FindAsync(name, context.RequestAborted);
        if (existing is null)
        {
            return (null, errors);
        }
        GroupJson.RestoreRedacted(group, existing);
        if (!await groups.UpdateAsync(group, context.RequestAborted))
        {
            return (null, errors);
        }
        AdminLog.GroupUpdated(admin.Logger, context.User.Identity?.Name, name);
        ProviderChanges.Updated(context, SftpProviderEvents.Group, name);
        return (group, errors);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ISftpUserStore users, ISftpGroupStore groups, AdminServices admin)
    {
        var (found, conflict) = await DeleteGroupAsync(name, context, users, groups, admin);
        return conflict is not null ? AdminRequest.Conflict(conflict) : found ? Results.NoContent() : AdminRequest.NotFound("group");
    }

    /// <summary>Deletes a group (<c>DELETE /groups/{name}</c>, also the WebAdmin's button); a conflict text while accounts belong to it.</summary>
    internal static async Task<(bool Found, string? Conflict)> DeleteGroupAsync(string name, HttpContext context, ISftpUserStore users, ISftpGroupStore groups,
        AdminServices admin)
    {
        if (await groups.FindAsync(name, context.RequestAborted) is null)
        {
            return (false, null);
        }
        var members = GroupMembers.Of(await GroupMembers.LoadAsync(users, context.RequestAborted), name).ToList();
        if (members.Count > 0)
        {
            var names = members.Select(m => m.UserName).Take(20);
            return (true, $"{members.Count} account(s) belong to the group ({string.Join(", ", names)}); remove it from them first.");
        }
        if (!await groups.DeleteAsync(name, context.RequestAborted))
        {
            return (false, null);
        }
        AdminLog.GroupDeleted(admin.Logger, context.User.Identity?.Name, name);
        ProviderChanges.Deleted(context, SftpProviderEvents.Group, name);
        return (true, null);
    }
}
