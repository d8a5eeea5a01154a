using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Quotas;
using SftpKit.Policies;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>Quota usage as the API reports it.</summary>
/// <param name="UserName">The account.</param>
/// <param name="UsedSize">Bytes in use (files of folders with their own quota excluded).</param>
/// <param name="UsedFiles">Files in use.</param>
/// <param name="QuotaSize">The account's size quota; 0 = unlimited.</param>
/// <param name="QuotaFiles">The account's file quota; 0 = unlimited.</param>
/// <param name="Folders">Virtual folders with their own quota.</param>
/// <param name="UsedUploadDataTransfer">Bytes uploaded in the current data-transfer period.</param>
/// <param name="UsedDownloadDataTransfer">Bytes downloaded in the current data-transfer period.</param>
internal sealed record QuotaUsageResponse(string UserName, long UsedSize, long UsedFiles, long QuotaSize, long QuotaFiles, IReadOnlyList<FolderQuotaResponse> Folders,
    long UsedUploadDataTransfer = 0, long UsedDownloadDataTransfer = 0);

/// <summary>A virtual folder's own quota and usage.</summary>
internal sealed record FolderQuotaResponse(string Name, string VirtualPath, long UsedSize, long UsedFiles, long QuotaSize, long QuotaFiles);

/// <summary><c>/quotas</c>: read, set (reset) and rescan an account's quota usage.</summary>
internal static class QuotaEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var quotas = group.MapGroup("/quotas").WithTags("Quotas");
        secure(quotas.MapGet("/users/{userName}", GetAsync).WithName("GetQuotaUsage").WithSummary("Reads the stored quota usage of an account.")
            .Produces<QuotaUsageResponse>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.QuotaScans);
        secure(quotas.MapPut("/users/{userName}/usage", SetAsync).WithName("SetQuotaUsage")
            .WithSummary("Sets the stored usage of an account ({\"usedSize\":0,\"usedFiles\":0} resets it).")
            .Produces<QuotaUsageResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.QuotaScans);
        secure(quotas.MapPut("/users/{userName}/transfer-usage", SetTransferAsync).WithName("SetTransferUsage")
            .WithSummary("Sets the account's data-transfer usage of the current period in bytes ({\"usedUploadDataTransfer\":0,\"usedDownloadDataTransfer\":0} resets it).")
            .Produces<QuotaUsageResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.QuotaScans);
        secure(quotas.MapPost("/users/{userName}/scan", StartScanAsync).WithName("StartQuotaScan")
            .WithSummary("Starts a background rescan of the account's storage; poll the scan status.")
            .Produces<SftpQuotaScanStatus>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests), SftpAdminPermissions.QuotaScans);
        secure(quotas.MapGet("/users/{userName}/scan", GetScanAsync).WithName("GetQuotaScan").WithSummary("The status of the account's last scan.")
            .Produces<SftpQuotaScanStatus>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.QuotaScans);
        secure(quotas.MapGet("/scans", ListScansAsync).WithName("ListQuotaScans")
            .WithSummary("Running scans and the most recent finished ones.").Produces<SftpQuotaScanStatus[]>(), SftpAdminPermissions.QuotaScans);
    }

    private static async Task<IResult> GetAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpQuotaStore)) is not ISftpQuotaStore quotas)
        {
            return AdminRequest.Unavailable("quota store");
        }
        var account = await store.FindAsync(userName, context.RequestAborted);
        if (!AdminRoleScope.Sees(context.User, account))
        {
            return AdminRequest.NotFound("account");
        }
        return Results.Json(await ReadAsync(account, quotas, context.RequestAborted, admin.Time), AdminJson.Options);
    }

    private static async Task<IResult> SetAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpQuotaStore)) is not ISftpQuotaStore quotas)
        {
            return AdminRequest.Unavailable("quota store");
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Validation.ValidationErrors();
        long size = ReadCount(node, "usedSize", errors);
        long files = ReadCount(node, "usedFiles", errors);
        if (node is JsonObject obj)
        {
            foreach (var (name, _) in obj)
            {
                if (!name.Equals("usedSize", StringComparison.OrdinalIgnoreCase) && !name.Equals("usedFiles", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(name, "Unknown field.");
                }
            }
        }
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var account = await store.FindAsync(userName, context.RequestAborted);
        if (!AdminRoleScope.Sees(context.User, account))
        {
            return AdminRequest.NotFound("account");
        }
        await quotas.SetAsync(SftpQuotaOwner.User(userName), new SftpQuotaUsage(size, files), context.RequestAborted);
        AdminLog.QuotaUsageSet(admin.Logger, context.User.Identity?.Name, userName, size, files);
        return Results.Json(await ReadAsync(account, quotas, context.RequestAborted, admin.Time), AdminJson.Options);
    }

    private static async Task<IResult> SetTransferAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        if (services.GetService(typeof(ISftpQuotaStore)) is not ISftpQuotaStore quotas)
        {
            return AdminRequest.Unavailable("quota store");
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new Validation.ValidationErrors();
        long upload = ReadCount(node, "usedUploadDataTransfer", errors);
        long download = ReadCount(node, "usedDownloadDataTransfer", errors);
        if (node is JsonObject obj)
        {
            foreach (var (name, _) in obj)
            {
                if (!name.Equals("usedUploadDataTransfer", StringComparison.OrdinalIgnoreCase) && !name.Equals("usedDownloadDataTransfer", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add(name, "Unknown field.");
                }
            }
        }
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var account = await store.FindAsync(userName, context.RequestAborted);
        if (!AdminRoleScope.Sees(context.User, account))
        {
            return AdminRequest.NotFound("account");
        }
        var (up, down) = TransferOwners(account, admin.Time);
        await quotas.SetAsync(up, new SftpQuotaUsage(upload, 0), context.RequestAborted);
        await quotas.SetAsync(down, new SftpQuotaUsage(download, 0), context.RequestAborted);
        AdminLog.QuotaUsageSet(admin.Logger, context.User.Identity?.Name, userName, upload, download);
        return Results.Json(await ReadAsync(account, quotas, context.RequestAborted, admin.Time), AdminJson.Options);
    }

    private static (SftpQuotaOwner Upload, SftpQuotaOwner Download) TransferOwners(SftpAccount account, TimeProvider time)
    {
        return SftpDataTransferUsage.Owners(account.UserName, account.DataTransferPeriod, time.GetUtcNow());
    }

    private static async Task<IResult> StartScanAsync(string userName, HttpContext context, ISftpUserStore store, IServiceProvider services, QuotaScanQueue scans)
    {
        if (services.GetService(typeof(SftpQuotaManager)) is null)
        {
            return AdminRequest.Unavailable("quota manager (register an account store)");
        }
        if (!AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            return AdminRequest.NotFound("account");
        }
        switch (scans.TryStart(userName, AdminRequest.Actor(context), out var status))
        {
            case JobStart.AlreadyRunning:
                return AdminRequest.Conflict("A scan of this account is running.");
            case JobStart.Busy:
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many scans",
                    detail: "The maximum number of concurrent quota scans is running; try again later.");
            default:
                return Results.Json(status, AdminJson.Options, statusCode: StatusCodes.Status202Accepted)
                    .WithLocation(context, "scan");
        }
    }

    private static async Task<IResult> GetScanAsync(string userName, HttpContext context, ISftpUserStore store, QuotaScanQueue scans) =>
        scans.Get(userName) is { } status && (!AdminRoleScope.IsBound(context.User) || AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
            ? Results.Json(status, AdminJson.Options)
            : AdminRequest.NotFound("scan");

    private static async Task<IResult> ListScansAsync(HttpContext context, ISftpUserStore store, QuotaScanQueue scans)
    {
        var list = scans.List();
        if (AdminRoleScope.IsBound(context.User))
        {
            var visible = new List<SftpQuotaScanStatus>();
            foreach (var status in list)
            {
                if (AdminRoleScope.Sees(context.User, await store.FindAsync(status.UserName, context.RequestAborted)))
                {
                    visible.Add(status);
                }
            }
            list = visible;
        }
        return Results.Json(list, AdminJson.Options);
    }

    internal static async Task<QuotaUsageResponse> ReadAsync(SftpAccount account, ISftpQuotaStore quotas, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var usage = await quotas.GetAsync(SftpQuotaOwner.User(account.UserName), cancellationToken);
        var folders = new List<FolderQuotaResponse>();
        foreach (var folder in account.VirtualFolders.Where(f => f.HasOwnQuota))
        {
            var f = await quotas.GetAsync(SftpQuotaOwner.Folder(folder.Name), cancellationToken);
            folders.Add(new FolderQuotaResponse(folder.Name, folder.VirtualPath, f.Size, f.Files, folder.QuotaSize, folder.QuotaFiles));
        }
        var (up, down) = TransferOwners(account, time ?? TimeProvider.System);
        long uploaded = (await quotas.GetAsync(up, cancellationToken)).Size;
        long downloaded = (await quotas.GetAsync(down, cancellationToken)).Size;
        return new QuotaUsageResponse(account.UserName, usage.Size, usage.Files, account.QuotaSize, account.QuotaFiles, folders, uploaded, downloaded);
    }

    private static long ReadCount(JsonNode? node, string name, Validation.ValidationErrors errors)
    {
        if (node is not JsonObject obj)
        {
            if (!errors.Has("body"))
            {
                errors.Add("body", "The body must be a JSON object.");
            }
            return 0;
        }
        if (!obj.TryGetPropertyValue(name, out var value) || value is null)
        {
            errors.Add(name, "Is required.");
            return 0;
        }
        if (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue(out long n))
        {
            if (n < 0)
            {
                errors.Add(name, "Must not be negative.");
            }
            return n;
        }
        errors.Add(name, "Must be an integer.");
        return 0;
    }
}
