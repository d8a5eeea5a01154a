using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Folders;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/folders</c>: virtual folders apart from the accounts that mount them. A storage or quota change is written to
/// every account mounting the folder; a folder cannot be deleted while an account mounts it (409).
/// </summary>
internal static class FolderEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var folders = group.MapGroup("/folders").WithTags("Folders");
        secure(folders.MapGet("/", ListAsync).WithName("ListFolders")
            .WithSummary("Lists every folder (defined, or mounted by an account) in name order with storage, quota, usage and the accounts mounting it.")
            .Produces<JsonArray>().ProducesValidationProblem(), SftpAdminPermissions.ManageFolders);
        secure(folders.MapPost("/", CreateAsync).WithName("CreateFolder").WithSummary("Defines a folder that accounts can then mount by name.")
            .Produces<JsonObject>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), SftpAdminPermissions.ManageFolders);
        secure(folders.MapGet("/{name}", GetAsync).WithName("GetFolder").WithSummary("Reads one folder with its usage and mounts.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageFolders);
        secure(folders.MapPut("/{name}", UpdateAsync).WithName("UpdateFolder")
            .WithSummary("Replaces a folder's storage, quota and description; every account mounting it gets the change (its mount path stays).")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageFolders);
        secure(folders.MapDelete("/{name}", DeleteAsync).WithName("DeleteFolder")
            .WithSummary("Deletes a folder definition (never its files); refused with 409 while an account mounts it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict),
            SftpAdminPermissions.ManageFolders);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore users, ISftpFolderStore folders, IServiceProvider services,
        AdminServices admin, string? offset, string? limit)
    {
        var errors = new ValidationErrors();
        var (skip, take) = AdminRequest.Paging(offset, limit, admin.Options.MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        var page = new JsonArray();
        foreach (var entry in catalog.Values.Skip(skip).Take(take))
        {
            page.Add(await FolderJson.WriteAsync(entry, quotas, context.RequestAborted));
        }
        return Results.Json(page, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders, IServiceProvider services)
    {
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return AdminRequest.NotFound("folder");
        }
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        return Results.Json(await FolderJson.WriteAsync(entry, quotas, context.RequestAborted), AdminJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpUserStore users, ISftpFolderStore folders, IServiceProvider services, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        var folder = FolderJson.Read(node, "", errors);
        if (folder is not null)
        {
            admin.Validator.ValidateFolder(folder, "", errors);
        }
        if (folder is null || !errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (catalog.ContainsKey(folder.Name))
        {
            return AdminRequest.Conflict("A folder with this name exists.");
        }
        try
        {
            await folders.CreateAsync(folder, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return AdminRequest.Conflict("A folder with this name exists.");
        }
        AdminLog.FolderCreated(admin.Logger, context.User.Identity?.Name, folder.Name);
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        return Results.Json(await FolderJson.WriteAsync(new FolderEntry(folder, stored: true), quotas, context.RequestAborted), AdminJson.Options,
            statusCode: StatusCodes.Status201Created).WithLocation(context, "folders/" + Uri.EscapeDataString(folder.Name));
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders,
        IServiceProvider services, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        if (node is JsonObject obj && !obj.ContainsKey("name"))
        {
            obj["name"] = name;
        }
        var folder = FolderJson.Read(node, "", errors);
        if (folder is not null)
        {
            if (!string.Equals(folder.Name, name, StringComparison.Ordinal))
            {
                errors.Add("name", "The folder name cannot be changed: it must match the URL.");
            }
            admin.Validator.ValidateFolder(folder, "", errors);
        }
        if (folder is null || !errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return AdminRequest.NotFound("folder");
        }
        FolderCatalog.RestoreRedacted(folder.FileSystem, entry.Folder.FileSystem);
        if (entry.Stored)
        {
            await folders.UpdateAsync(folder, context.RequestAborted);
        }
        else
        {
            try
            {
                await folders.CreateAsync(folder, context.RequestAborted);
            }
            catch (InvalidOperationException)
            {
                await folders.UpdateAsync(folder, context.RequestAborted);
            }
        }
        // Each mounting account gets the new storage and quota; accounts are written one by one (not atomically).
        foreach (string userName in entry.Mounts.Select(m => m.UserName).Distinct(StringComparer.Ordinal))
        {
            var account = await users.FindAsync(userName, context.RequestAborted);
            if (account is null)
            {
                continue;
            }
            foreach (var mount in account.VirtualFolders.Where(f => f.Name == name))
            {
                mount.FileSystem = folder.FileSystem.Clone();
                mount.QuotaSize = folder.QuotaSize;
                mount.QuotaFiles = folder.QuotaFiles;
            }
            await users.UpdateAsync(account, context.RequestAborted);
        }
        AdminLog.FolderUpdated(admin.Logger, context.User.Identity?.Name, name, entry.Mounts.Count);
        entry.Folder = folder;
        entry.Stored = true;
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        return Results.Json(await FolderJson.WriteAsync(entry, quotas, context.RequestAborted), AdminJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return AdminRequest.NotFound("folder");
        }
        if (entry.Mounts.Count > 0)
        {
            var names = entry.Mounts.Select(m => m.UserName).Distinct(StringComparer.Ordinal).Take(20);
            return AdminRequest.Conflict($"The folder is mounted by {entry.Mounts.Count} account(s) ({string.Join(", ", names)}); remove it from them first.");
        }
        if (!await folders.DeleteAsync(name, context.RequestAborted))
        {
            return AdminRequest.NotFound("folder");
        }
        AdminLog.FolderDeleted(admin.Logger, context.User.Identity?.Name, name);
        return Results.NoContent();
    }
}
