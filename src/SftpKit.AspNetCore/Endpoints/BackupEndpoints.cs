using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Backup;
using SftpKit.Admin;
using SftpKit.AspNetCore.Folders;
using SftpKit.AspNetCore.Groups;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>What a restore did.</summary>
internal sealed record RestoreResponse(string Mode, int Added, int Replaced, int Skipped)
{
    /// <summary>With <c>format=sftpgo</c>: every field or object of the SFTPGo backup that did not carry over.</summary>
    public IReadOnlyList<SftpGoImportIssue>? Issues { get; init; }
}

/// <summary>
/// <c>/dumpdata</c> and <c>/loaddata</c>: the accounts and quota usage (and the other stores registered: folders,
/// groups, roles, admins, shares, credentials, event actions and rules) as one JSON backup document.
/// </summary>
internal static class BackupEndpoints
{
    public const string RestoreEndpointName = "LoadData";

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var backup = group.MapGroup("/").WithTags("Backup");
        secure(backup.MapGet("/dumpdata", DumpAsync).WithName("DumpData")
            .WithSummary("Every account (with password hashes) and its quota usage, as an SftpKit backup document. Protect it like the database.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json"), SftpAdminPermissions.ManageSystem);
        secure(backup.MapPost("/loaddata", RestoreAsync).WithName(RestoreEndpointName)
            .WithSummary("Restores a backup document; mode=add-only (default: existing accounts untouched) or mode=replace; format=sftpgo reads an SFTPGo backup and answers what did not carry over in 'issues'. Every account is validated first; on any error nothing changes.")
            .Produces<RestoreResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge), SftpAdminPermissions.ManageSystem);
    }

    internal static async Task DumpAsync(HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        if (AdminRoleScope.IsBound(context.User))
        {
            // The dump holds every account, whatever its role.
            await AdminRequest.Forbidden("Admins bound to a role cannot dump data.").ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"sftpkit-backup.json\"";
        context.Response.Headers.CacheControl = "no-store";
        AdminLog.BackupDumped(admin.Logger, context.User.Identity?.Name);
        await WriteDumpAsync(store, services, admin, context.Response.Body, context.RequestAborted);
    }

    /// <summary>Writes the backup document of every registered store (what <c>GET /dumpdata</c> answers).</summary>
    internal static Task WriteDumpAsync(ISftpUserStore store, IServiceProvider services, AdminServices admin, Stream output, CancellationToken cancellationToken)
    {
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        var folders = services.GetService(typeof(ISftpFolderStore)) as ISftpFolderStore;
        var admins = services.GetService(typeof(ISftpAdminStore)) as ISftpAdminStore;
        var shares = services.GetService(typeof(ISftpShareStore)) as ISftpShareStore;
        var groups = services.GetService(typeof(ISftpGroupStore)) as ISftpGroupStore;
        return SftpAccountBackup.DumpAsync(store, output, quotas, folders, admins, shares, groups,
            services.GetService(typeof(ISftpCredentialStore)) as ISftpCredentialStore, admin.Roles,
            services.GetService(typeof(ISftpEventRuleStore)) as ISftpEventRuleStore,
            services.GetService(typeof(ISftpSecretProtector)) as ISftpSecretProtector, cancellationToken);
    }

    private static async Task<IResult> RestoreAsync(HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin, string? mode, string? format)
    {
        if (format is not (null or "" or "sftpkit" or SftpGoFormat))
        {
            return AdminRequest.Invalid("format", "Must be 'sftpkit' (the default) or 'sftpgo'.");
        }
        SftpRestoreMode restoreMode;
        switch (mode)
        {
            case null or "add-only":
                restoreMode = SftpRestoreMode.AddOnly;
                break;
            case "replace":
                restoreMode = SftpRestoreMode.Replace;
                break;
            default:
                return AdminRequest.Invalid("mode", "Must be 'add-only' or 'replace'.");
        }
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRestoreBodySize);
        if (problem is not null)
        {
            return problem;
        }
        List<SftpGoImportIssue>? issues = null;
        if (format == SftpGoFormat)
        {
            if (AdminRoleScope.IsBound(context.User))
            {
                return AdminRequest.Invalid("body", "Admins bound to a role cannot restore data.");
            }
            issues = [];
            try
            {
                node = await SftpAdminBackup.ConvertSftpGoAsync(node, services, issues, context.RequestAborted);
            }
            catch (InvalidDataException ex)
            {
                return AdminRequest.Invalid("body", ex.Message);
            }
        }
        var (response, errors) = await RestoreDocumentAsync(node, restoreMode, context, store, services, admin);
        if (response is not null && issues is not null)
        {
            response = response with { Issues = issues };
        }
        return response is null ? AdminRequest.Invalid(errors) : Results.Json(response, AdminJson.Options);
    }

    /// <summary>The <c>format</c> value of <c>POST /loaddata</c> for an SFTPGo backup.</summary>
    public const string SftpGoFormat = "sftpgo";

    /// <summary>
    /// Validates a backup document whole and restores it (<c>POST /loaddata</c> and the WebAdmin's upload): the counts,
    /// or the errors (then nothing changed).
    /// </summary>
    internal static async Task<(RestoreResponse? Response, ValidationErrors Errors)> RestoreDocumentAsync(JsonNode? node, SftpRestoreMode restoreMode,
        HttpContext context, ISftpUserStore store, IServiceProvider services, AdminServices admin)
    {
        if (AdminRoleScope.IsBound(context.User))
        {
            var refused = new ValidationErrors();
            refused.Add("body", "Admins bound to a role cannot restore data.");
            return (null, refused);
        }
        return await RestoreDocumentAsync(node, restoreMode, store, services, admin, context.User.Identity?.Name, context.RequestAborted);
    }

    /// <summary>
    /// Validates a backup document whole and restores it, for <paramref name="actor"/> (the admin's name for the log;
    /// null from the command line): the counts, or the errors (then nothing changed).
    /// </summary>
    internal static async Task<(RestoreResponse? Response, ValidationErrors Errors)> RestoreDocumentAsync(JsonNode? node, SftpRestoreMode restoreMode,
        ISftpUserStore store, IServiceProvider services, AdminServices admin, string? actor, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (node is not JsonObject document)
        {
            errors.Add("body", "The body must be an SftpKit backup document (a JSON object).");
            return (null, errors);
        }
        document = (JsonObject)document.DeepClone();
        if (document["version"] is not JsonValue version || version.GetValueKind() != JsonValueKind.Number)
        {
            errors.Add("version", "The format version is required (an integer).");
        }
        var users = new JsonArray();
        if (document["users"] is JsonArray list)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < list.Count; i++)
            {
                string prefix = $"users[{i}]";
                var account = AccountJson.Read(list[i], prefix, errors, out string? password, out _);
                if (account is null)
                {
                    continue;
                }
                admin.Validator.Validate(account, password, prefix, errors);
                if (!string.IsNullOrEmpty(account.UserName) && !names.Add(account.UserName))
                {
                    errors.Add(prefix + ".userName", "Another account of the backup has the same user name.");
                }
                if (password is not null && errors.IsEmpty)
                {
                    account.PasswordHash = SftpPasswordHasher.Hash(password);
                }
                users.Add(JsonSerializer.SerializeToNode(account, AdminJson.Options));
            }
        }
        else if (document["users"] is not null)
        {
            errors.Add("users", "Must be an array of accounts.");
        }
        var definitions = new JsonArray();
        if (document["folders"] is JsonArray folderList)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < folderList.Count; i++)
            {
                string prefix = $"folders[{i}]";
                var folder = FolderJson.Read(folderList[i], prefix, errors);
                if (folder is null)
                {
                    continue;
                }
                admin.Validator.ValidateFolder(folder, prefix, errors);
                if (!string.IsNullOrEmpty(folder.Name) && !names.Add(folder.Name))
                {
                    errors.Add(prefix + ".name", "Another folder of the backup has the same name.");
                }
                definitions.Add(JsonSerializer.SerializeToNode(folder, AdminJson.Options));
            }
        }
        else if (document["folders"] is not null)
        {
            errors.Add("folders", "Must be an array of folders.");
        }
        var groupStore = services.GetService(typeof(ISftpGroupStore)) as ISftpGroupStore;
        var groupNodes = await RestoreGroups.ValidateAsync(document, users, groupStore, admin, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }
        document["users"] = users;
        document["folders"] = definitions;
        document["groups"] = groupNodes;
        byte[] normalized = JsonSerializer.SerializeToUtf8Bytes(document, AdminJson.Options);
        var quotas = services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore;
        var folders = services.GetService(typeof(ISftpFolderStore)) as ISftpFolderStore;
        SftpRestoreResult result;
        try
        {
            using var input = new MemoryStream(normalized, writable: false);
            var admins = services.GetService(typeof(ISftpAdminStore)) as ISftpAdminStore;
            var shares = services.GetService(typeof(ISftpShareStore)) as ISftpShareStore;
            var eventRules = services.GetService(typeof(ISftpEventRuleStore)) as ISftpEventRuleStore;
            result = await SftpAccountBackup.RestoreAsync(store, input, restoreMode, quotas, folders, admins, shares, groupStore,
                services.GetService(typeof(ISftpCredentialStore)) as ISftpCredentialStore, admin.Roles, eventRules,
                services.GetService(typeof(ISftpSecretProtector)) as ISftpSecretProtector, cancellationToken);
            if (eventRules is not null)
            {
                (services.GetService(typeof(ISftpEventRuleEngine)) as ISftpEventRuleEngine)?.Invalidate();
            }
        }
        catch (InvalidDataException ex)
        {
            errors.Add("body", ex.Message);
            return (null, errors);
        }
        string modeName = restoreMode == SftpRestoreMode.Replace ? "replace" : "add-only";
        AdminLog.BackupRestored(admin.Logger, actor, modeName, result.Added, result.Replaced, result.Skipped);
        return (new RestoreResponse(modeName, result.Added, result.Replaced, result.Skipped), errors);
    }
}
