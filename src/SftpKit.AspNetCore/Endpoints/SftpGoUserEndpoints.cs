using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.Accounts.Interchange;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// <c>/sftpgo/users</c>: the accounts in SFTPGo's REST API shape (its <c>User</c> object: snake_case <c>username</c>,
/// <c>password</c>, <c>public_keys</c>, <c>home_dir</c>, <c>permissions</c>, <c>quota_size</c>, <c>filters</c>,
/// <c>filesystem</c> with <c>provider</c> 0/1/3/4/5, <c>virtual_folders</c>, <c>groups</c>; see
/// <see cref="SftpGoUserJson"/>), so scripts written for that API work against this server. Each request goes through
/// the same code as <c>/users</c>: validation, roles, folders, the log and provider events. Answers as that API does:
/// the user object for GET and POST (201), <c>{"message": ...}</c> for PUT and DELETE; password hashes are never
/// answered and storage secrets are answered with status <c>Redacted</c> (send them back so, to keep them).
/// </summary>
internal static class SftpGoUserEndpoints
{
    /// <summary>The route prefix under the admin API's, e.g. <c>/api/v2/sftpgo/users</c>.</summary>
    public const string Prefix = "/sftpgo/users";

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var users = group.MapGroup(Prefix).WithTags("SFTPGo-compatible accounts");
        secure(users.MapGet("/", ListAsync).WithName("SftpGoListUsers").WithSummary("Lists accounts as SFTPGo user objects (offset, limit).")
            .Produces<JsonArray>().ProducesValidationProblem(), SftpAdminPermissions.ManageUsers);
        secure(users.MapPost("/", CreateAsync).WithName("SftpGoCreateUser").WithSummary("Creates an account from an SFTPGo user object; a plain 'password' is hashed, a hash is kept.")
            .Produces<JsonObject>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge), SftpAdminPermissions.ManageUsers);
        secure(users.MapGet("/{userName}", GetAsync).WithName("SftpGoGetUser").WithSummary("Reads one account as an SFTPGo user object.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
        secure(users.MapPut("/{userName}", UpdateAsync).WithName("SftpGoUpdateUser").WithSummary("Replaces an account from an SFTPGo user object; an empty 'password' keeps the stored one.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
        secure(users.MapDelete("/{userName}", DeleteAsync).WithName("SftpGoDeleteUser").WithSummary("Deletes an account.")
            .Produces<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageUsers);
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
            if (!AdminRoleScope.Sees(context.User, account) || index++ < skip)
            {
                continue;
            }
            page.Add(Write(account));
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
        return !AdminRoleScope.Sees(context.User, account) ? AdminRequest.NotFound("account") : Results.Json(Write(account!), AdminJson.Options);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var (body, problem) = await ReadAsync(context, admin, null);
        if (problem is not null)
        {
            return problem;
        }
        var result = await AccountEndpoints.CreateAccountAsync(body, context, store, folders, admin);
        return result.Problem ?? Results.Json(Write(result.Account!), AdminJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation(context, "users/" + Uri.EscapeDataString(result.Account!.UserName));
    }

    private static async Task<IResult> UpdateAsync(string userName, HttpContext context, ISftpUserStore store, ISftpFolderStore folders, AdminServices admin)
    {
        var (body, problem) = await ReadAsync(context, admin, userName);
        if (problem is not null)
        {
            return problem;
        }
        var result = await AccountEndpoints.UpdateAccountAsync(userName, body, context, store, folders, admin);
        return result.Problem ?? Results.Json(new JsonObject { ["message"] = "User updated" }, AdminJson.Options);
    }

    private static async Task<IResult> DeleteAsync(string userName, HttpContext context, ISftpUserStore store, AdminServices admin) =>
        await AccountEndpoints.DeleteAccountAsync(userName, context, store, admin)
            ? Results.Json(new JsonObject { ["message"] = "User deleted" }, AdminJson.Options)
            : AdminRequest.NotFound("account");

    /// <summary>
    /// The SFTPGo body as this API's account body: a plain password stays a password (so the strength policy applies),
    /// a hash is kept; mounts without storage of their own name a stored folder. On PUT, a body without a username
    /// takes the URL's.
    /// </summary>
    private static async Task<(JsonNode? Body, IResult? Problem)> ReadAsync(HttpContext context, AdminServices admin, string? username)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return (null, problem);
        }
        if (node is not JsonObject user)
        {
            return (null, AdminRequest.Invalid("body", "The body must be a user object."));
        }
        if (username is not null && user["username"] is null)
        {
            user["username"] = username;
        }
        string? plain = null;
        if (user["password"] is JsonValue pw && pw.GetValueKind() == JsonValueKind.String && pw.GetValue<string>() is { Length: > 0 } given
            && !SftpPasswordHasher.IsSupported(given))
        {
            plain = given;
            user.Remove("password");
        }
        SftpAccount account;
        try
        {
            account = SftpGoUserJson.ToAccount(JsonSerializer.SerializeToElement(user));
        }
        catch (FormatException e)
        {
            return (null, AdminRequest.Invalid("body", e.Message));
        }
        var body = JsonSerializer.SerializeToNode(account, AdminJson.Options)!.AsObject();
        body.Remove("lastLogin");
        body.Remove("passwordChangedAt");
        if (plain is not null)
        {
            body["password"] = plain;
        }
        if (body["virtualFolders"] is JsonArray mounts && user["virtual_folders"] is JsonArray given2)
        {
            for (int i = 0; i < mounts.Count && i < given2.Count; i++)
            {
                bool storage = given2[i] is JsonObject g && (g["mapped_path"] is JsonValue mp && mp.GetValueKind() == JsonValueKind.String && mp.GetValue<string>().Length > 0
                    || g["filesystem"] is JsonObject fs && fs["provider"] is JsonValue p && p.GetValueKind() == JsonValueKind.Number && p.GetValue<int>() != 0);
                if (!storage && mounts[i] is JsonObject mount)
                {
                    mount.Remove("fileSystem");
                }
            }
        }
        return (body, null);
    }

    /// <summary>A user object for a response: no password hash, storage secrets as status <c>Redacted</c>.</summary>
    private static JsonObject Write(SftpAccount account)
    {
        var user = SftpGoUserJson.FromAccount(account, includePasswordHash: false);
        user["has_password"] = account.PasswordHash is not null;
        Redact(user);
        return user;
    }

    private static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["status"] is JsonValue && obj.ContainsKey("payload"))
                {
                    obj["status"] = "Redacted";
                    obj["payload"] = string.Empty;
                    return;
                }
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "access_key" && value is JsonValue)
                    {
                        obj[name] = AccountJson.Redacted;
                        continue;
                    }
                    Redact(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Redact(item);
                }
                break;
        }
    }
}
