using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Shares;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/shares</c>: every account's share links, for operators to see and revoke (permission <c>manage_users</c>).
/// Account holders create and change their own shares through the web client (<see cref="ShareService"/>).
/// </summary>
internal static class ShareEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var shares = group.MapGroup("/shares").WithTags("Shares");
        secure(shares.MapGet("/", ListAsync).WithName("ListShares")
            .WithSummary("Lists the share links of every account (or of one with ?username=) in id order; passwords show as [**redacted**].")
            .Produces<JsonArray>().ProducesValidationProblem(), SftpAdminPermissions.ManageUsers);
        secure(shares.MapGet("/{id}", GetAsync).WithName("GetShare").WithSummary("Reads one share link.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
        secure(shares.MapDelete("/{id}", DeleteAsync).WithName("RevokeShare")
            .WithSummary("Revokes a share link: it answers 404 from then on (the shared files stay).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpShareStore store, AdminServices admin, string? username, string? offset, string? limit)
    {
        var errors = new ValidationErrors();
        var (skip, take) = AdminRequest.Paging(offset, limit, admin.Options.MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var page = new JsonArray();
        int index = 0;
        var seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var share in store.ListAsync(string.IsNullOrEmpty(username) ? null : username, context.RequestAborted))
        {
            if (!seen.TryGetValue(share.UserName, out bool visible))
            {
                visible = await AdminRoleScope.SeesAccountAsync(context, share.UserName);
                seen[share.UserName] = visible;
            }
            if (!visible)
            {
                continue;
            }
            if (index++ < skip)
            {
                continue;
            }
            if (page.Count >= take)
            {
                break;
            }
            page.Add(ShareJson.Write(share));
        }
        return Results.Json(page, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, ISftpShareStore store)
    {
        var share = SftpShare.IsValidId(id) ? await store.FindAsync(id, context.RequestAborted) : null;
        return share is null || !await AdminRoleScope.SeesAccountAsync(context, share.UserName) ? AdminRequest.NotFound("share") : Results.Json(ShareJson.Write(share), AdminJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, ISftpShareStore store, AdminServices admin) =>
        await RevokeAsync(store, id, context, admin) ? Results.NoContent() : AdminRequest.NotFound("share");

    /// <summary>Deletes the share and logs who did; false when there is no such share. Shared with the WebAdmin page.</summary>
    public static async Task<bool> RevokeAsync(ISftpShareStore store, string id, HttpContext context, AdminServices admin)
    {
        if (!SftpShare.IsValidId(id) || await store.FindAsync(id, context.RequestAborted) is not { } share
            || !await AdminRoleScope.SeesAccountAsync(context, share.UserName) || !await store.DeleteAsync(id, context.RequestAborted))
        {
            return false;
        }
        AdminLog.ShareRevoked(admin.Logger, context.User.Identity?.Name, id);
        ProviderChanges.Deleted(context, SftpProviderEvents.Share, id);
        return true;
    }
}
