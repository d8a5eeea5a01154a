using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Folders;
using SftpKit.AspNetCore.Groups;
using SftpKit.AspNetCore.Validation;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary><c>/users</c>: list, create, read, replace and delete accounts.</summary>
internal static class AccountEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var users = group.MapGroup("/users").WithTags("Accounts");
        secure(users.MapGet("/", ListAsync).WithName("ListUsers").WithSummary("Lists accounts in user-name order (offset, limit).")
            .Produces<SftpAccount[]>().ProducesValidationProblem(), SftpAdminPermissions.ManageUsers);
        secure(users.MapPost("/", CreateAsync).WithName("CreateUser").WithSummary("Creates an account; 'password' is hashed, or give 'passwordHash'.")
            .Produces<SftpAccount>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), SftpAdminPermissions.ManageUsers);
        secure(users.MapGet("/{userName}", GetAsync).WithName("GetUser").WithSummary("Reads one account (never its password hash).")
            .Produces<SftpAccount>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
        secure(users.MapPut("/{userName}", UpdateAsync).WithName("UpdateUser").WithSummary("Replaces an account; without password or passwordHash the stored hash is kept, \"passwordHash\": null removes it.")
            .Produces<SftpAccount>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
        secure(users.MapDelete("/{userName}", DeleteAsync).WithName("DeleteUser").WithSummary("Deletes an account (live sessions go on until they end or are closed).")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
    }

    private static async Task<IResult> ListAsync(HttpContext context, ISftpUserStore store, AdminServices admin, string? offset, string? limit)
    {
        var errors = new ValidationErrors();
        var (skip, take) = AdminRequest.Paging(offset, limit, admin.Options.MaxPageSize, errors);
        if (!errors.IsEmpty)
        {
            return AdminRequest.Invalid(errors);
        }
        var page = new JsonArray();
        int index = 0;
        await foreach (var account in store.ListAsync(context.RequestAborted))
        {
            if (!AdminRoleScope.Sees(context.User, account))
            {
                continue;
            }
            if (index++ < skip)
            {
                continue;
            }
            page.Add(AccountJson.Write(account));
            if (page.Count == take)
            {
                break;
            }
        }
        return Results.Json(page, AdminJson.Options);
    }

    private static async Task<IResult> GetAsync(string userName, HttpContext context, ISftpUserStore store)
    {
        var account = await store.FindAsync(userName, context.RequestAborted);
        return !AdminRoleScope.Sees(context.User, account) ? AdminRequest.NotFound("account") : Results.Json(AccountJson.Write(account!), AdminJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var result = await CreateAccountAsync(node, context, store, folders, admin);
        return result.Problem ?? Results.Json(AccountJson.Write(result.Account!), AdminJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation(context, "users/" + Uri.EscapeDataString(result.Account!.UserName));
    }

    private static async Task<IResult> UpdateAsync(string userName, HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var result = await UpdateAccountAsync(userName, node, context, store, folders, admin);
        return result.Problem ?? Results.Json(AccountJson.Write(result.Account!), AdminJson.Options);
    }

    /// <summary>
    /// Creates an account from its API JSON (validation, mounts, password hashing, folders, log): what
    /// <c>POST /users</c> and the WebAdmin's form both do. On failure <see cref="AccountSaveResult.Problem"/> is the
    /// API's answer and <see cref="AccountSaveResult.Errors"/> holds the validation errors.
    /// </summary>
    internal static async Task<AccountSaveResult> CreateAccountAsync(JsonNode? node, HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var errors = new ValidationErrors();
        var account = AccountJson.Read(node, "", errors, out string? password, out _);
        if (account is not null && await RoleProblemAsync(account, context, admin, errors) is { } refused)
        {
            return new(null, errors, refused);
        }
        if (account is not null)
        {
            if (await FolderCatalog.ResolveMountsAsync(node, "", account, store, folders, errors, context.RequestAborted) is { } conflict)
            {
                return new(null, errors, conflict);
            }
            admin.Validator.Validate(account, password, "", errors);
            await GroupMembers.CheckExistAsync(account, "", context, errors);
        }
        if (account is null || !errors.IsEmpty)
        {
            return new(null, errors, AdminRequest.Invalid(errors));
        }
        if (await store.FindAsync(account.UserName, context.RequestAborted) is not null)
        {
            errors.Add("userName", "An account with this user name exists.");
            return new(null, errors, AdminRequest.Conflict("An account with this user name exists."));
        }
        if (password is not null)
        {
            account.PasswordHash = SftpPasswordHasher.Hash(password);
        }
        account.PasswordChangedAt = account.PasswordHash is null ? null : admin.Time.GetUtcNow();
        account.LastLogin = null;
        try
        {
            await store.CreateAsync(account, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            errors.Add("userName", "An account with this user name exists.");
            return new(null, errors, AdminRequest.Conflict("An account with this user name exists."));
        }
        await FolderCatalog.StoreNewFoldersAsync(account, folders, context.RequestAborted);
        AdminLog.AccountCreated(admin.Logger, context.User.Identity?.Name, account.UserName);
        ProviderChanges.Added(context, SftpProviderEvents.User, account.UserName);
        var stored = await store.FindAsync(account.UserName, context.RequestAborted) ?? account;
        return new(stored, errors, null);
    }

    /// <summary>Replaces an account from its API JSON: what <c>PUT /users/{userName}</c> and the WebAdmin's form both do.</summary>
    internal static async Task<AccountSaveResult> UpdateAccountAsync(string userName, JsonNode? node, HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var errors = new ValidationErrors();
        // The name comes from the URL; a body may omit it but not name another account.
        if (node is JsonObject obj && !obj.ContainsKey("userName"))
        {
            obj["userName"] = userName;
        }
        var existing = await store.FindAsync(userName, context.RequestAborted);
        if (existing is not null && !AdminRoleScope.Sees(context.User, existing))
        {
            // Accounts of another role do not exist for a role-bound admin.
            return new(null, errors, AdminRequest.NotFound("account"));
        }
        var account = AccountJson.Read(node, "", errors, out string? password, out bool hashGiven);
        if (account is not null && await RoleProblemAsync(account, context, admin, errors) is { } refused)
        {
            return new(null, errors, refused);
        }
        if (account is not null)
        {
            if (!string.Equals(account.UserName, userName, StringComparison.Ordinal))
            {
                errors.Add("userName", "The user name cannot be changed: it must match the URL.");
            }
            else if (await FolderCatalog.ResolveMountsAsync(node, "", account, store, folders, errors, context.RequestAborted) is { } conflict)
            {
                return new(null, errors, conflict);
            }
            admin.Validator.Validate(account, password, "", errors);
            await GroupMembers.CheckExistAsync(account, "", context, errors);
        }
        if (account is null || !errors.IsEmpty)
        {
            return new(null, errors, AdminRequest.Invalid(errors));
        }
        if (existing is null)
        {
            return new(null, errors, AdminRequest.NotFound("account"));
        }
        if (password is not null)
        {
            account.PasswordHash = SftpPasswordHasher.Hash(password);
        }
        else if (!hashGiven)
        {
            account.PasswordHash = existing.PasswordHash;
        }
        account.PasswordChangedAt = password is not null || (hashGiven && account.PasswordHash is not null && account.PasswordHash != existing.PasswordHash)
            ? admin.Time.GetUtcNow()
            : account.PasswordHash is null ? null : existing.PasswordChangedAt;
        account.LastLogin = existing.LastLogin;
        AccountJson.RestoreRedacted(account, existing);
        if (!await store.UpdateAsync(account, context.RequestAborted))
        {
            return new(null, errors, AdminRequest.NotFound("account"));
        }
        await FolderCatalog.StoreNewFoldersAsync(account, folders, context.RequestAborted);
        AdminLog.AccountUpdated(admin.Logger, context.User.Identity?.Name, userName);
        ProviderChanges.Updated(context, SftpProviderEvents.User, userName);
        var stored = await store.FindAsync(userName, context.RequestAborted) ?? account;
        return new(stored, errors, null);
    }

    /// <summary>
    /// Applies the acting admin's role to an account it saves: a role-bound admin's accounts always get its role (a
    /// body naming another is refused with 403, so no account moves out of its role); an unbound admin may name any
    /// role of the role store. Null when the account may be saved; errors hold the field's message.
    /// </summary>
    internal static async Task<IResult?> RoleProblemAsync(SftpAccount account, HttpContext context, AdminServices admin, ValidationErrors errors)
    {
        if (AdminRoleScope.RoleOf(context.User) is { } mine)
        {
            if (account.Role is not null && !string.Equals(account.Role, mine, StringComparison.Ordinal))
            {
                errors.Add("role", "You can only manage accounts of your own role.");
                return AdminRequest.Forbidden("You can only manage accounts of your own role.");
            }
            account.Role = mine;
            return null;
        }
        if (account.Role is { } role && await admin.Roles.FindAsync(role, context.RequestAborted) is null)
        {
            errors.Add("role", "No role has this name.");
        }
        return null;
    }

    /// <summary>Deletes an account: what <c>DELETE /users/{userName}</c> and the WebAdmin both do. False when there is none.</summary>
    internal static async Task<bool> DeleteAccountAsync(string userName, HttpContext context, ISftpUserStore store, AdminServices admin)
    {
        if (AdminRoleScope.IsBound(context.User) && !AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            return false;
        }
        if (!await store.DeleteAsync(userName, context.RequestAborted))
        {
            return false;
        }
        AdminLog.AccountDeleted(admin.Logger, context.User.Identity?.Name, userName);
        ProviderChanges.Deleted(context, SftpProviderEvents.User, userName);
        // Its second factor and tokens go with it: a new account of the same name starts without them.
        if (context.RequestServices.GetService(typeof(SftpCredentials)) is SftpCredentials credentials)
        {
            await credentials.RemoveOwnerAsync(SftpCredentialOwner.User(userName), context.RequestAborted);
        }
        return true;
    }

    private static async Task<IResult> DeleteAsync(string userName, HttpContext context, ISftpUserStore store, AdminServices admin)
    {
        return await DeleteAccountAsync(userName, context, store, admin) ? Results.NoContent() : AdminRequest.NotFound("account");
    }
}

/// <summary>Adds a Location header to a result.</summary>
/// <summary>The outcome of saving an account: the stored account, or the validation errors and the API's problem answer.</summary>
internal sealed record AccountSaveResult(SftpAccount? Account, ValidationErrors Errors, IResult? Problem);

internal static class LocationResult
{
    /// <summary>
    /// Location = the request path with its last <paramref name="levelsUp"/> segments replaced by <paramref name="relative"/>
    /// (POST /api/v2/users → /api/v2/users/alice with "users/alice" and one level up).
    /// </summary>
    public static IResult WithLocation(this IResult inner, HttpContext context, string relative, int levelsUp = 1)
    {
        string path = (context.Request.PathBase + context.Request.Path).Value?.TrimEnd('/') ?? "";
        for (int i = 0; i < levelsUp; i++)
        {
            path = path[..Math.Max(0, path.LastIndexOf('/'))];
        }
        return new HeaderResult(inner, "Location", path + "/" + relative);
    }

    private sealed class HeaderResult(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
