using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Folders;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

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
        var result = await CreateFolderAsync(node, context, users, folders, admin);
        if (result.Conflict is not null)
        {
            return AdminRequest.Conflict(result.Conflict);
        }
        if (result.Folder is not { } folder)
        {
            return AdminRequest.Invalid(result.Errors);
        }
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        return Results.Json(await FolderJson.WriteAsync(new FolderEntry(folder, stored: true), quotas, context.RequestAborted), AdminJson.Options,
            statusCode: StatusCodes.Status201Created).WithLocation(context, "folders/" + Uri.EscapeDataString(folder.Name));
    }

    /// <summary>
    /// Validates and stores a new folder (<c>POST /folders</c>, also the WebAdmin's form): the folder, or the
    /// validation errors, or a conflict text when the name is taken.
    /// </summary>
    internal static async Task<(SftpFolder? Folder, ValidationErrors Errors, string? Conflict)> CreateFolderAsync(JsonNode? node, HttpContext context,
        ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var errors = new ValidationErrors();
        var folder = FolderJson.Read(node, "", errors);
        if (folder is not null)
        {
            admin.Validator.ValidateFolder(folder, "", errors);
        }
        if (folder is null || !errors.IsEmpty)
        {
            return (null, errors, null);
        }
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (catalog.ContainsKey(folder.Name))
        {
            return (null, errors, "A folder with this name exists.");
        }
        try
        {
            await folders.CreateAsync(folder, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            return (null, errors, "A folder with this name exists.");
        }
        AdminLog.FolderCreated(admin.Logger, context.User.Identity?.Name, folder.Name);
        ProviderChanges.Added(context, SftpProviderEvents.Folder, folder.Name);
        return (folder, errors, null);
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders,
        IServiceProvider services, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var (entry, errors) = await UpdateFolderAsync(name, node, context, users, folders, admin);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        if (entry is null)
        {
            return AdminRequest.NotFound("folder");
        }
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        return Results.Json(await FolderJson.WriteAsync(entry, quotas, context.RequestAborted), AdminJson.Options);
    }

    /// <summary>
    /// Replaces a folder's definition and writes it to every account mounting it (<c>PUT /folders/{name}</c>, also the
    /// WebAdmin's form): the updated entry, or validation errors, or neither when there is no such folder.
    /// </summary>
    internal static async Task<(FolderEntry? Entry, ValidationErrors Errors)> UpdateFolderAsync(string name, JsonNode? node, HttpContext context,
        ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
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
            return (null, errors);
        }
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return (null, errors);
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
        ProviderChanges.Updated(context, SftpProviderEvents.Folder, name);
        entry.Folder = folder;
        entry.Stored = true;
        return (entry, errors);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders, AdminServices admin)
    {
        var (found, conflict) = await DeleteFolderAsync(name, context, users, folders, admin);
        return conflict is not null ? AdminRequest.Conflict(conflict) : found ? Results.NoContent() : AdminRequest.NotFound("folder");
    }

    /// <summary>
    /// Deletes a folder definition (<c>DELETE /folders/{name}</c>, also the WebAdmin's button): false when there is no
    /// such folder; a conflict text while accounts mount it.
    /// </summary>
    internal static async Task<(bool Found, string? Conflict)> DeleteFolderAsync(string name, HttpContext context, ISftpUserStore users, ISftpFolderStore folders,
        AdminServices admin)
    {
        var catalog = await FolderCatalog.LoadAsync(users, folders, context.RequestAborted);
        if (!catalog.TryGetValue(name, out var entry))
        {
            return (false, null);
        }
        if (entry.Mounts.Count > 0)
        {
            var names = entry.Mounts.Select(m => m.UserName).Distinct(StringComparer.Ordinal).Take(20);
            return (true, $"The folder is mounted by {entry.Mounts.Count} account(s) ({string.Join(", ", names)}); remove it from them first.");
        }
        if (!await folders.DeleteAsync(name, context.RequestAborted))
        {
            return (false, null);
        }
        AdminLog.FolderDeleted(admin.Logger, context.User.Identity?.Name, name);
        ProviderChanges.Deleted(context, SftpProviderEvents.Folder, name);
        return (true, null);
    }
}
