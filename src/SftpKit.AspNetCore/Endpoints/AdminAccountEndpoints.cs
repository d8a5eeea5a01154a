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

/// <summary>The answer of <c>POST /token</c>.</summary>
internal sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

/// <summary>
/// <c>/token</c>, <c>/admins</c> and <c>/apikeys</c> of the built-in admin authentication (the API-key handlers are in
/// AdminAccountEndpoints.ApiKeys.cs).
/// </summary>
internal static partial class AdminAccountEndpoints
{
    private const int MaxBasicHeaderLength = 4096;
    private static readonly HashSet<string> s_adminMembers = AdminJson.Options.GetTypeInfo(typeof(SftpAdmin)).Properties
        .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        group.MapPost("/token", TokenAsync).AllowAnonymous().WithTags("Authentication").WithName("GetToken")
            .WithSummary("Exchanges an admin's HTTP Basic credentials for a short-lived JWT (access_token, expires_at).")
            .Produces<TokenResponse>().ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests);

        var admins = group.MapGroup("/admins").WithTags("Admins");
        secure(admins.MapGet("/", ListAdminsAsync).WithName("ListAdmins").WithSummary("Every admin (never a password hash).")
            .Produces<SftpAdmin[]>(), SftpAdminPermissions.ManageAdmins);
        secure(admins.MapPost("/", CreateAdminAsync).WithName("CreateAdmin").WithSummary("Creates an admin; 'password' is hashed.")
            .Produces<SftpAdmin>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict), SftpAdminPermissions.ManageAdmins);
        secure(admins.MapGet("/{userName}", GetAdminAsync).WithName("GetAdmin").WithSummary("One admin.")
            .Produces<SftpAdmin>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageAdmins);
        secure(admins.MapPut("/{userName}", UpdateAdminAsync).WithName("UpdateAdmin").WithSummary("Replaces an admin; without password the stored hash is kept.")
            .Produces<SftpAdmin>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound),
            SftpAdminPermissions.ManageAdmins);
        secure(admins.MapDelete("/{userName}", DeleteAdminAsync).WithName("DeleteAdmin").WithSummary("Deletes an admin and its API keys (not yourself).")
            .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageAdmins);

        var keys = group.MapGroup("/apikeys").WithTags("API keys").WithMetadata(SftpAdminTokenOnlyMetadata.Instance);
        secure(keys.MapGet("/", ListKeysAsync).WithName("ListApiKeys").WithSummary("Every API key (never the key itself).")
            .Produces<ApiKeyResponse[]>(), SftpAdminPermissions.ManageAdmins);
        secure(keys.MapPost("/", CreateKeyAsync).WithName("CreateApiKey")
            .WithSummary("Creates an API key; the answer's 'key' is shown only this once. Needs a token: API keys cannot manage API keys.")
            .Produces<ApiKeyResponse>(StatusCodes.Status201Created).ProducesValidationProblem(),
            SftpAdminPermissions.ManageAdmins);
        secure(keys.MapGet("/{id}", GetKeyAsync).WithName("GetApiKey").WithSummary("One API key.")
            .Produces<ApiKeyResponse>().ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageAdmins);
        secure(keys.MapDelete("/{id}", DeleteKeyAsync).WithName("DeleteApiKey").WithSummary("Revokes an API key.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound), SftpAdminPermissions.ManageAdmins);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, ISftpAdminStore store, SftpAdminTokens tokens, AdminLoginGuard guard, AdminServices admin)
    {
        var remote = context.Connection.RemoteIpAddress;
        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // The first leg of a Basic challenge checks nothing, so it is neither counted nor scored.
            AdminLog.LoginFailed(admin.Logger, remote, "no Basic credentials");
            return BasicChallenge();
        }
        // Rate limit and ban before anything is looked up or hashed.
        if (await guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refusal)
        {
            return refusal;
        }
        if (!TryReadBasic(header, out string user, out string password))
        {
            AdminLog.LoginFailed(admin.Logger, remote, "malformed Basic credentials");
            await guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return BasicChallenge();
        }
        var credentials = context.RequestServices.GetService<SftpCredentials>();
        var allowed = await AdminPasswordLogin.VerifyAsync(store, guard, admin.Logger, remote, user, password, context.RequestAborted, credentials);
        if (allowed is null)
        {
            return BasicChallenge();
        }
        if (await AdminPasswordLogin.NeedsCodeAsync(credentials, allowed, password, context.RequestAborted))
        {
            // The code comes in X-SFTPKIT-OTP (or SFTPGo's X-SFTPGO-OTP, which SFTPGo's clients send).
            string? code = context.Request.Headers[OtpHeader].FirstOrDefault() ?? context.Request.Headers[CompatibleOtpHeader].FirstOrDefault();
            if (code is null || code.Length > 64
                || !await credentials!.VerifyCodeAsync(SftpCredentialOwner.Admin(allowed.UserName), code, context.RequestAborted))
            {
                AdminLog.LoginFailed(admin.Logger, remote, code is null ? "one-time code missing" : "wrong or reused one-time code");
                await guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
                return BasicChallenge();
            }
        }
        var (token, expires) = tokens.Issue(allowed.UserName);
        AdminLog.TokenIssued(admin.Logger, allowed.UserName, remote);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new TokenResponse(token, expires), AdminJson.Options);
    }

    /// <summary>The header carrying the admin's one-time code (or a recovery code) to <c>POST /token</c>.</summary>
    public const string OtpHeader = "X-SFTPKIT-OTP";

    /// <summary>SFTPGo's name for the same header, accepted too.</summary>
    public const string CompatibleOtpHeader = "X-SFTPGO-OTP";

    private static ChallengeResult BasicChallenge() => new();

    private sealed class ChallengeResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Basic realm=\"SftpKit admin\", charset=\"UTF-8\"";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Invalid credentials.").ExecuteAsync(httpContext);
        }
    }

    private static bool TryReadBasic(string? header, out string user, out string password)
    {
        user = password = "";
        if (header is null || header.Length > MaxBasicHeaderLength || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(decoded);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }
        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    internal static JsonObject WriteAdmin(SftpAdmin a)
    {
        var obj = JsonSerializer.SerializeToNode(a, AdminJson.Options)!.AsObject();
        obj.Remove("passwordHash");
        obj["hasPassword"] = a.PasswordHash is not null;
        return obj;
    }

    internal static SftpAdmin? ReadAdmin(JsonNode? node, ValidationErrors errors, out string? password, out bool hashGiven)
    {
        password = null;
        hashGiven = false;
        if (node is not JsonObject obj)
        {
            errors.Add("body", "An admin must be a JSON object.");
            return null;
        }
        obj = (JsonObject)obj.DeepClone();
        if (obj.TryGetPropertyValue("password", out var p))
        {
            obj.Remove("password");
            if (p is JsonValue v && v.TryGetValue(out string? text))
            {
                password = text;
            }
            else if (p is not null)
            {
                errors.Add("password", "The password must be a string.");
            }
        }
        obj.Remove("hasPassword");
        hashGiven = obj.ContainsKey("passwordHash");
        foreach (var (name, _) in obj)
        {
            if (!s_adminMembers.Contains(name))
            {
                errors.Add(name, "Unknown field.");
            }
        }
        if (!errors.IsEmpty)
        {
            return null;
        }
        var admin = AdminJson.TryRead<SftpAdmin>(obj, "", errors, "An admin");
        if (admin is null)
        {
            return null;
        }
        admin.Permissions ??= [];
        admin.AllowedNetworks ??= [];
        if (NameRules.CheckUserName(admin.UserName) is { } nameError)
        {
            errors.Add("userName", "The admin name " + nameError);
        }
        if (password is not null && (password.Length == 0 || Encoding.UTF8.GetByteCount(password) > SftpPasswordHasher.MaxPasswordBytes))
        {
            errors.Add("password", $"The password must be 1 to {SftpPasswordHasher.MaxPasswordBytes} UTF-8 bytes.");
        }
        if (password is not null && admin.PasswordHash is not null)
        {
            errors.Add("password", "Give either password or passwordHash, not both.");
        }
        if (admin.PasswordHash is not null && !SftpPasswordHasher.IsSupported(admin.PasswordHash))
        {
            errors.Add("passwordHash", "The password hash is not in a supported format.");
        }
        for (int i = 0; i < admin.Permissions.Count; i++)
        {
            if (admin.Permissions[i] is null || !SftpAdminPermissions.Names.Contains(admin.Permissions[i]))
            {
                errors.Add($"permissions[{i}]", $"Unknown permission '{admin.Permissions[i]}'; valid: {string.Join(", ", SftpAdminPermissions.Names)}.");
            }
        }
        AccountValidator.CheckNetworks(admin.AllowedNetworks, "allowedNetworks", errors);
        if (admin.Role is { } role)
        {
            if (NameRules.CheckUserName(role) is { } roleError)
            {
                errors.Add("role", "The role name " + roleError);
            }
            foreach (string p2 in admin.Permissions.Intersect(SftpAdminPermissions.UnboundOnly, StringComparer.Ordinal))
            {
                errors.Add("permissions", $"An admin bound to a role cannot hold '{p2}'.");
            }
        }
        if (admin.Description is { Length: > AccountValidator.MaxDescriptionLength })
        {
            errors.Add("description", $"At most {AccountValidator.MaxDescriptionLength} characters.");
        }
        return admin;
    }

    private static async Task<IResult> ListAdminsAsync(HttpContext context, ISftpAdminStore store)
    {
        var list = new JsonArray();
        await foreach (var a in store.ListAsync(context.RequestAborted))
        {
            if (AdminRoleScope.Sees(context.User, a))
            {
                list.Add(WriteAdmin(a));
            }
        }
        return Results.Json(list, AdminJson.Options);
    }

    private static async Task<IResult> GetAdminAsync(string userName, HttpContext context, ISftpAdminStore store) =>
        await store.FindAsync(userName, context.RequestAborted) is { } a && AdminRoleScope.Sees(context.User, a)
            ? Results.Json(WriteAdmin(a), AdminJson.Options)
            : AdminRequest.NotFound("admin");

    /// <summary>
    /// Why the acting admin may not save <paramref name="admin"/> (null = it may): a role-bound admin saves only
    /// admins of its own role (an admin without a role in the body gets it), and nobody grants a permission it lacks.
    /// An unbound admin may name any role of the role store.
    /// </summary>
    internal static async Task<string?> EscalationAsync(SftpAdmin admin, HttpContext context, AdminServices services, ValidationErrors errors)
    {
        if (AdminRoleScope.RoleOf(context.User) is { } mine)
        {
            if (admin.Role is not null && !string.Equals(admin.Role, mine, StringComparison.Ordinal))
            {
                errors.Add("role", "You can only manage admins of your own role.");
                return "You can only manage admins of your own role.";
            }
            admin.Role = mine;
            foreach (string p in admin.Permissions.Intersect(SftpAdminPermissions.UnboundOnly, StringComparer.Ordinal))
            {
                errors.Add("permissions", $"An admin bound to a role cannot hold '{p}'.");
            }
        }
        else if (admin.Role is { } role && await services.Roles.FindAsync(role, context.RequestAborted) is null)
        {
            errors.Add("role", "No role has this name.");
        }
        var lacking = AdminRoleScope.NotHeld(context.User, admin.Permissions).ToList();
        if (lacking.Count > 0)
        {
            string text = "You cannot grant permissions you do not hold: " + string.Join(", ", lacking) + ".";
            errors.Add("permissions", text);
            return text;
        }
        return null;
    }

    private static async Task<IResult> CreateAdminAsync(HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, services.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var (admin, errors, conflict, forbidden) = await CreateAdminFromJsonAsync(node, context, store, services);
        if (forbidden is not null)
        {
            return AdminRequest.Forbidden(forbidden);
        }
        if (admin is null)
        {
            return conflict ? AdminRequest.Conflict("An admin with this name exists.") : AdminRequest.Invalid(errors);
        }
        return Results.Json(WriteAdmin(admin), AdminJson.Options, statusCode: StatusCodes.Status201Created)
            .WithLocation(context, "admins/" + Uri.EscapeDataString(admin.UserName));
    }

    /// <summary>Creates an admin from its API JSON (<c>POST /admins</c> and the WebAdmin): the admin, or the errors (conflict: the name exists).</summary>
    internal static async Task<(SftpAdmin? Admin, ValidationErrors Errors, bool Conflict, string? Forbidden)> CreateAdminFromJsonAsync(JsonNode? node, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        var errors = new ValidationErrors();
        var admin = ReadAdmin(node, errors, out string? password, out _);
        if (admin is not null && password is null && admin.PasswordHash is null)
        {
            errors.Add("password", "A password is required.");
        }
        if (admin is not null && await EscalationAsync(admin, context, services, errors) is { } refused)
        {
            return (null, errors, false, refused);
        }
        if (admin is null || !errors.IsEmpty)
        {
            return (null, errors, false, null);
        }
        if (password is not null)
        {
            admin.PasswordHash = SftpPasswordHasher.Hash(password);
        }
        try
        {
            await store.CreateAsync(admin, context.RequestAborted);
        }
        catch (InvalidOperationException)
        {
            errors.Add("userName", "An admin with this name exists.");
            return (null, errors, true, null);
        }
        AdminLog.AdminCreated(services.Logger, context.User.Identity?.Name, admin.UserName);
        ProviderChanges.Added(context, SftpProviderEvents.Admin, admin.UserName);
        return (admin, errors, false, null);
    }

    private static async Task<IResult> UpdateAdminAsync(string userName, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, services.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        var (admin, errors, notFound, forbidden) = await UpdateAdminFromJsonAsync(userName, node, context, store, services);
        if (forbidden is not null)
        {
            return AdminRequest.Forbidden(forbidden);
        }
        if (admin is null)
        {
            return notFound ? AdminRequest.NotFound("admin") : AdminRequest.Invalid(errors);
        }
        return Results.Json(WriteAdmin(admin), AdminJson.Options);
    }

    /// <summary>Replaces an admin from its API JSON (<c>PUT /admins/{userName}</c> and the WebAdmin): the admin, or the errors.</summary>
    internal static async Task<(SftpAdmin? Admin, ValidationErrors Errors, bool NotFound, string? Forbidden)> UpdateAdminFromJsonAsync(string userName, JsonNode? node, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        if (node is JsonObject obj && !obj.ContainsKey("userName"))
        {
            obj["userName"] = userName;
        }
        var errors = new ValidationErrors();
        var admin = ReadAdmin(node, errors, out string? password, out bool hashGiven);
        if (admin is not null)
        {
            if (admin.UserName != userName)
            {
                errors.Add("userName", "The admin name cannot be changed: it must match the URL.");
            }
            if (userName == AdminRequest.Actor(context))
            {
                if (!admin.Enabled)
                {
                    errors.Add("enabled", "You cannot disable yourself.");
                }
                if (!admin.Permissions.Contains(SftpAdminPermissions.All) && !admin.Permissions.Contains(SftpAdminPermissions.ManageAdmins))
                {
                    errors.Add("permissions", "You cannot remove manage_admins from yourself.");
                }
            }
        }
        var existing = await store.FindAsync(userName, context.RequestAborted);
        if (existing is not null && !AdminRoleScope.Sees(context.User, existing))
        {
            // Admins of another role (and unbound ones) do not exist for a role-bound admin.
            return (null, errors, true, null);
        }
        if (admin is not null && await EscalationAsync(admin, context, services, errors) is { } refused)
        {
            return (null, errors, false, refused);
        }
        if (admin is null || !errors.IsEmpty)
        {
            return (null, errors, false, null);
        }
        if (existing is null)
        {
            return (null, errors, true, null);
        }
        if (password is not null)
        {
            admin.PasswordHash = SftpPasswordHasher.Hash(password);
        }
        else if (!hashGiven)
        {
            admin.PasswordHash = existing.PasswordHash;
        }
        if (!await store.UpdateAsync(admin, context.RequestAborted))
        {
            return (null, errors, true, null);
        }
        AdminLog.AdminUpdated(services.Logger, context.User.Identity?.Name, userName);
        ProviderChanges.Updated(context, SftpProviderEvents.Admin, userName);
        return (admin, errors, false, null);
    }

    private static async Task<IResult> DeleteAdminAsync(string userName, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        if (userName == AdminRequest.Actor(context))
        {
            return AdminRequest.Invalid("userName", "You cannot delete yourself.");
        }
        return await DeleteAdminCoreAsync(userName, context, store, services) ? Results.NoContent() : AdminRequest.NotFound("admin");
    }

    /// <summary>Deletes an admin and logs it (the caller refuses deleting oneself); false when there is none.</summary>
    internal static async Task<bool> DeleteAdminCoreAsync(string userName, HttpContext context, ISftpAdminStore store, AdminServices services)
    {
        if (AdminRoleScope.IsBound(context.User) && !AdminRoleScope.Sees(context.User, await store.FindAsync(userName, context.RequestAborted)))
        {
            return false;
        }
        if (!await store.DeleteAsync(userName, context.RequestAborted))
        {
            return false;
        }
        AdminLog.AdminDeleted(services.Logger, context.User.Identity?.Name, userName);
        ProviderChanges.Deleted(context, SftpProviderEvents.Admin, userName);
        if (context.RequestServices.GetService<SftpCredentials>() is { } credentials)
        {
            await credentials.RemoveOwnerAsync(SftpCredentialOwner.Admin(userName), context.RequestAborted);
        }
        return true;
    }
}
