using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>An API key as listed (never its secret or hash); <c>Key</c> only in the answer that created it.</summary>
internal sealed record ApiKeyResponse(string Id, string Name, string? Admin, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? Description, string? Key)
{
    public static ApiKeyResponse From(SftpApiKey k, string? key = null) => new(k.Id, k.Name, k.Admin, k.CreatedAt, k.ExpiresAt, k.Description, key);
}

/// <summary>The body of <c>POST /apikeys</c>.</summary>
internal sealed record ApiKeyRequest(string? Name, string? Admin, DateTimeOffset? ExpiresAt, string? Description);

/// <summary>The <c>/apikeys</c> handlers.</summary>
internal static partial class AdminAccountEndpoints
{
    private static async Task<IResult> ListKeysAsync(HttpContext context, ISftpAdminStore store)
    {
        var list = new List<ApiKeyResponse>();
        await foreach (var k in store.ListApiKeysAsync(context.RequestAborted))
        {
            if (await KeyVisibleAsync(k, context, store))
            {
                list.Add(ApiKeyResponse.From(k));
            }
        }
        return Results.Json(list, AdminJson.Options);
    }

    private static async Task<IResult> GetKeyAsync(string id, HttpContext context, ISftpAdminStore store) =>
        await store.FindApiKeyAsync(id, context.RequestAborted) is { } k && await KeyVisibleAsync(k, context, store)
            ? Results.Json(ApiKeyResponse.From(k), AdminJson.Options)
            : AdminRequest.NotFound("API key");

    /// <summary>
    /// True when the acting admin may see and revoke <paramref name="key"/>: always when unbound; when bound to a
    /// role, only keys bound to an admin of that role (an unbound key can act as any admin).
    /// </summary>
    internal static async ValueTask<bool> KeyVisibleAsync(SftpApiKey key, HttpContext context, ISftpAdminStore store) =>
        !AdminRoleScope.IsBound(context.User)
        || (key.Admin is { } owner && AdminRoleScope.Sees(context.User, await store.FindAsync(owner, context.RequestAborted)));

    private static async Task<IResult> CreateKeyAsync(HttpContext context, ISftpAdminStore store, SftpAdminTokens tokens,
        IOptions<SftpAdminAuthenticationOptions> options, AdminServices services)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, services.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new ValidationErrors();
        ApiKeyRequest? request = null;
        try
        {
            request = node.Deserialize<ApiKeyRequest>(AdminJson.Options);
        }
        catch (JsonException ex)
        {
            errors.Add(AdminJson.FieldFromPath(ex.Path, ""), "Wrong type or unknown field.");
        }
        if (request is null)
        {
            if (errors.IsEmpty)
            {
                errors.Add("body", "The body must be a JSON object.");
            }
            return AdminRequest.Invalid(errors);
        }
        var (created, keyErrors) = await CreateApiKeyCoreAsync(request, context, store, tokens, options.Value, services);
        if (created is null)
        {
            return AdminRequest.Invalid(keyErrors);
        }
        var (key, id, secret) = created.Value;
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(ApiKeyResponse.From(key, id + "." + secret), AdminJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation(context, "apikeys/" + id);
    }

    /// <summary>Checks and stores a new API key (<c>POST /apikeys</c> and the WebAdmin): the key and its secret (to show once), or the errors.</summary>
    internal static async Task<((SftpApiKey Key, string Id, string Secret)? Created, ValidationErrors Errors)> CreateApiKeyCoreAsync(ApiKeyRequest request,
        HttpContext context, ISftpAdminStore store, SftpAdminTokens tokens, SftpAdminAuthenticationOptions options, AdminServices services)
    {
        var errors = new ValidationErrors();
        var now = tokens.Clock.GetUtcNow();
        if (NameRules.CheckUserName(request.Name) is { } nameError)
        {
            errors.Add("name", "The key name " + nameError);
        }
        if (request.Admin is not null && await store.FindAsync(request.Admin, context.RequestAborted) is not { } owner)
        {
            errors.Add("admin", "No admin has this name.");
        }
        else if (AdminRoleScope.IsBound(context.User)
            && (request.Admin is null || !AdminRoleScope.Sees(context.User, await store.FindAsync(request.Admin, context.RequestAborted))))
        {
            errors.Add("admin", "Name an admin of your own role: you cannot create unbound keys or keys of other admins.");
        }
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add("expiresAt", "Must be in the future.");
        }
        if (options.MaxApiKeyLifetime is { } max && (request.ExpiresAt is null || request.ExpiresAt > now + max))
        {
            errors.Add("expiresAt", $"Required, and at most {max} from now.");
        }
        if (request.Description is { Length: > AccountValidator.MaxDescriptionLength })
        {
            errors.Add("description", $"At most {AccountValidator.MaxDescriptionLength} characters.");
        }
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }
        var (id, secret) = AdminAccess.NewKey();
        var key = new SftpApiKey
        {
            Id = id,
            Name = request.Name!,
            SecretHash = AdminAccess.HashSecret(secret),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            Admin = request.Admin,
            Description = request.Description,
        };
        await store.CreateApiKeyAsync(key, context.RequestAborted);
        AdminLog.ApiKeyCreated(services.Logger, context.User.Identity?.Name, id, request.Admin);
        ProviderChanges.Added(context, SftpProviderEvents.ApiKey, id);
        return ((key, id, secret), errors);
    }

    /// <summary>Revokes an API key and logs it; false when there is none.</summary>
    internal static async Task<bool> DeleteApiKeyCoreAsync(string id, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        if (await store.FindApiKeyAsync(id, context.RequestAborted) is not { } key || !await KeyVisibleAsync(key, context, store))
        {
            return false;
        }
        if (!await store.DeleteApiKeyAsync(id, context.RequestAborted))
        {
            return false;
        }
        AdminLog.ApiKeyDeleted(services.Logger, context.User.Identity?.Name, id);
        ProviderChanges.Deleted(context, SftpProviderEvents.ApiKey, id);
        return true;
    }

    private static async Task<IResult> DeleteKeyAsync(string id, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        return await DeleteApiKeyCoreAsync(id, context, store, services) ? Results.NoContent() : AdminRequest.NotFound("API key");
    }
}
