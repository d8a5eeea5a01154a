using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>
/// Two-factor authentication and personal access tokens in the admin API, with SFTPGo's paths and JSON shapes where
/// SFTPGo has them: the signed-in admin's own <c>/admin/totp/configs</c>, <c>/admin/totp/generate</c> (secret and
/// QR code as base64 PNG), <c>/admin/totp/validate</c> (proves a code, which <c>/admin/totp/save</c> then needs),
/// <c>/admin/totp/save</c> and <c>/admin/2fa/recoverycodes</c> (GET lists only whether each code is used: codes are
/// kept hashed; POST makes a new set, shown once); <c>PUT /users/{userName}/2fa/disable</c> and
/// <c>PUT /admins/{userName}/2fa/disable</c> for operators. Tokens: <c>/admin/tokens</c> (the admin's own) and
/// <c>/users/{userName}/tokens</c> (an account's, permission <c>manage_users</c>): list, create (the token is in the
/// answer once), revoke. The own-account endpoints need a JWT (not an API key).
/// </summary>
internal static class TwoFactorEndpoints
{
    private const string ConfigName = "Default";

    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var own = group.MapGroup("/admin").WithTags("Two-factor authentication").WithMetadata(SftpAdminTokenOnlyMetadata.Instance);
        secure(own.MapGet("/totp/configs", () => Results.Json(new JsonArray(new JsonObject
        {
            ["name"] = ConfigName, ["issuer"] = TotpEnrollment.Issuer, ["algo"] = "sha1",
        }))).WithName("GetAdminTotpConfigs").WithSummary("The TOTP configurations (one: SHA-1, 6 digits, 30 seconds)."), "");
        secure(own.MapPost("/totp/generate", Generate).WithName("GenerateAdminTotpSecret")
            .WithSummary("A new secret for the signed-in admin, with its QR code as a base64 PNG; nothing is saved yet."), "");
        secure(own.MapPost("/totp/validate", ValidateAsync).WithName("ValidateAdminTotpSecret")
            .WithSummary("Checks a code of a generated secret; a secret proven here may be saved within 10 minutes."), "");
        secure(own.MapPost("/totp/save", SaveAsync).WithName("SaveAdminTotpConfig")
            .WithSummary("Turns two-factor authentication on with a proven secret (or a 'passcode' given here), or off with enabled=false."), "");
        secure(own.MapGet("/2fa/recoverycodes", RecoveryCodesAsync).WithName("GetAdminRecoveryCodes")
            .WithSummary("Whether each recovery code is used (codes are kept hashed and cannot be shown again)."), "");
        secure(own.MapPost("/2fa/recoverycodes", NewRecoveryCodesAsync).WithName("GenerateAdminRecoveryCodes")
            .WithSummary("Replaces the recovery codes; the new ones are in the answer only."), "");
        secure(own.MapGet("/tokens", (HttpContext c, SftpCredentials s) => ListTokensAsync(c, s, Own(c))).WithName("ListAdminTokens")
            .WithSummary("The signed-in admin's personal access tokens (never the tokens themselves)."), "");
        secure(own.MapPost("/tokens", (HttpContext c, SftpCredentials s, AdminServices a) => CreateTokenAsync(c, s, a, Own(c), null)).WithName("CreateAdminToken")
            .WithSummary("Creates a personal access token (name, expires_at, scopes of web and api); 'token' is in the answer only."), "");
        secure(own.MapDelete("/tokens/{id}", (string id, HttpContext c, SftpCredentials s, AdminServices a) => RevokeTokenAsync(c, s, a, Own(c), id))
            .WithName("RevokeAdminToken").WithSummary("Revokes one of the signed-in admin's tokens."), "");

        secure(group.MapPut("/users/{userName}/2fa/disable", DisableUserAsync).WithTags("Two-factor authentication").WithName("DisableUser2fa")
            .WithSummary("Turns an account's two-factor authentication off (e.g. a lost phone)."), SftpAdminPermissions.ManageUsers);
        secure(group.MapPut("/admins/{userName}/2fa/disable", DisableAdminAsync).WithTags("Two-factor authentication").WithName("DisableAdmin2fa")
            .WithSummary("Turns an admin's two-factor authentication off."), SftpAdminPermissions.ManageAdmins);

        var tokens = group.MapGroup("/users/{userName}/tokens").WithTags("Personal access tokens").AddEndpointFilter(AccountInRoleScopeAsync);
        secure(tokens.MapGet("/", async (string userName, HttpContext c, SftpCredentials s, ISftpUserStore users) =>
            await users.FindAsync(userName, c.RequestAborted) is null ? AdminRequest.NotFound("user") : await ListTokensAsync(c, s, SftpCredentialOwner.User(userName)))
            .WithName("ListUserTokens").WithSummary("An account's personal access tokens (never the tokens themselves)."), SftpAdminPermissions.ManageUsers);
        secure(tokens.MapPost("/", (string userName, HttpContext c, SftpCredentials s, AdminServices a, ISftpUserStore users) =>
            CreateTokenAsync(c, s, a, SftpCredentialOwner.User(userName), async () => await users.FindAsync(userName, c.RequestAborted) is not null))
            .WithName("CreateUserToken").WithSummary("Creates a token for an account (scopes of ssh and web); 'token' is in the answer only."),
            SftpAdminPermissions.ManageUsers);
        secure(tokens.MapDelete("/{id}", (string userName, string id, HttpContext c, SftpCredentials s, AdminServices a) =>
            RevokeTokenAsync(c, s, a, SftpCredentialOwner.User(userName), id))
            .WithName("RevokeUserToken").WithSummary("Revokes one of an account's tokens."), SftpAdminPermissions.ManageUsers);
    }

    private static SftpCredentialOwner Own(HttpContext context) => SftpCredentialOwner.Admin(AdminRequest.Actor(context) ?? "");

    private static IResult Generate(HttpContext context)
    {
        string secret = SftpCredentials.GenerateSecret();
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsonObject
        {
            ["config_name"] = ConfigName,
            ["issuer"] = TotpEnrollment.Issuer,
            ["secret"] = secret,
            ["qr_code"] = Convert.ToBase64String(TotpEnrollment.QrPng(Own(context).Name, secret)),
        });
    }

    private static async Task<IResult> ValidateAsync(HttpContext context, SftpCredentials credentials, TotpEnrollment enrollment, AdminServices admin, AdminLoginGuard guard)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        string? secret = Text(node, "secret");
        string? code = Text(node, "passcode");
        if (secret is null || code is null)
        {
            return AdminRequest.Invalid("body", "Give 'secret' and 'passcode'.");
        }
        var owner = Own(context);
        if (!await ProveAsync(context, credentials, guard, admin, owner, secret, code))
        {
            return AdminRequest.Invalid("passcode", "The code does not match the secret.");
        }
        enrollment.Proven(owner, secret);
        return Results.Json(new JsonObject { ["message"] = "Passcode successfully validated" });
    }

    private static async Task<IResult> SaveAsync(HttpContext context, SftpCredentials credentials, TotpEnrollment enrollment, AdminServices admin, AdminLoginGuard guard)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        if (node is not JsonObject)
        {
            return AdminRequest.Invalid("body", "The configuration must be a JSON object.");
        }
        var owner = Own(context);
        if (node["enabled"] is JsonValue enabled && enabled.TryGetValue(out bool on) && !on)
        {
            await credentials.DisableTotpAsync(owner, context.RequestAborted);
            AdminLog.Changed(admin.Logger, owner.Name, "disabled two-factor authentication", owner);
            return Results.Json(new JsonObject { ["message"] = "Two-factor authentication disabled" });
        }
        string? secret = node["secret"] is JsonObject s ? Text(s, "payload") : Text(node, "secret");
        if (secret is null)
        {
            return AdminRequest.Invalid("secret", "Give the secret as {\"status\":\"Plain\",\"payload\":\"...\"}.");
        }
        string? code = Text(node, "passcode");
        bool proven = enrollment.TakeProof(owner, secret) || (code is not null && await ProveAsync(context, credentials, guard, admin, owner, secret, code));
        if (!proven)
        {
            return AdminRequest.Invalid("passcode", "Validate a code of this secret first (POST /admin/totp/validate) or give 'passcode'.");
        }
        try
        {
            await credentials.SaveTotpAsync(owner, secret, [], context.RequestAborted);
        }
        catch (ArgumentException)
        {
            return AdminRequest.Invalid("secret", "The secret is not base32 of at least 16 bytes.");
        }
        AdminLog.Changed(admin.Logger, owner.Name, "enabled two-factor authentication", owner);
        return Results.Json(new JsonObject { ["message"] = "Two-factor authentication enabled; generate recovery codes next" });
    }

    private static async Task<bool> ProveAsync(HttpContext context, SftpCredentials credentials, AdminLoginGuard guard, AdminServices admin,
        SftpCredentialOwner owner, string secret, string code)
    {
        bool ok;
        try
        {
            ok = credentials.CheckNewSecret(owner, secret, code);
        }
        catch (ArgumentException)
        {
            ok = false;
        }
        if (!ok)
        {
            AdminLog.LoginFailed(admin.Logger, context.Connection.RemoteIpAddress, "wrong code while enrolling a second factor");
            await guard.FailedAsync(context.Connection.RemoteIpAddress, SftpDefenderEvent.InvalidCredentials, countAttempt: true);
        }
        return ok;
    }

    private static async Task<IResult> RecoveryCodesAsync(HttpContext context, SftpCredentials credentials)
    {
        var config = await credentials.GetTotpAsync(Own(context), context.RequestAborted);
        if (config is null)
        {
            return AdminRequest.NotFound("two-factor configuration");
        }
        return Results.Json(new JsonArray(config.RecoveryCodes.Select(c => (JsonNode)new JsonObject { ["code"] = "", ["used"] = c.Used }).ToArray()));
    }

    private static async Task<IResult> NewRecoveryCodesAsync(HttpContext context, SftpCredentials credentials, AdminServices admin)
    {
        var codes = await credentials.RegenerateRecoveryCodesAsync(Own(context), context.RequestAborted);

        if (codes is null)
        {
            return AdminRequest.Invalid("totp", "Two-factor authentication is not enabled.");
        }
        var owner = Own(context);
        AdminLog.Changed(admin.Logger, owner.Name, "generated recovery codes", owner);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new JsonArray(codes.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()));
    }

    /// <summary>Accounts outside a role-bound admin's role are "not found" for every token endpoint.</summary>
    private static async ValueTask<object?> AccountInRoleScopeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        => await AdminRoleScope.SeesAccountAsync(context.HttpContext, context.HttpContext.GetRouteValue("userName") as string)
            ? await next(context)
            : AdminRequest.NotFound("user");

    private static async Task<IResult> DisableUserAsync(string userName, HttpContext context, SftpCredentials credentials, ISftpUserStore users, AdminServices admin)
    {
        // A role-bound admin reaches only accounts of its role; others are "not found" as everywhere else.
        if (!AdminRoleScope.Sees(context.User, await users.FindAsync(userName, context.RequestAborted)))
        {
            return AdminRequest.NotFound("user");
        }
        var owner = SftpCredentialOwner.User(userName);
        await credentials.DisableTotpAsync(owner, context.RequestAborted);
        string? actor = AdminRequest.Actor(context);
        AdminLog.Changed(admin.Logger, actor, "disabled two-factor authentication", owner);
        return Results.Json(new JsonObject { ["message"] = "2FA disabled" });
    }

    private static async Task<IResult> DisableAdminAsync(string userName, HttpContext context, SftpCredentials credentials, ISftpAdminStore admins, AdminServices admin)
    {
        if (!AdminRoleScope.Sees(context.User, await admins.FindAsync(userName, context.RequestAborted)))
        {
            return AdminRequest.NotFound("admin");
        }
        var owner = SftpCredentialOwner.Admin(userName);
        await credentials.DisableTotpAsync(owner, context.RequestAborted);
        string? actor = AdminRequest.Actor(context);
        AdminLog.Changed(admin.Logger, actor, "disabled two-factor authentication", owner);
        return Results.Json(new JsonObject { ["message"] = "2FA disabled" });
    }

    private static async Task<IResult> ListTokensAsync(HttpContext context, SftpCredentials credentials, SftpCredentialOwner owner)
    {
        var list = new JsonArray();
        await foreach (var token in credentials.Store.ListTokensAsync(owner, context.RequestAborted))
        {
            list.Add(WriteToken(token, null));
        }
        return Results.Json(list);
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext context, SftpCredentials credentials, AdminServices admin, SftpCredentialOwner owner,
        Func<Task<bool>>? ownerExists)
    {
        var (node, _, problem) = await AdminRequest.ReadJsonAsync(context, admin.Options.MaxRequestBodySize);
        if (problem is not null)
        {
            return problem;
        }
        if (node is not JsonObject)
        {
            return AdminRequest.Invalid("body", "A token request must be a JSON object.");
        }
        if (ownerExists is not null && !await ownerExists())
        {
            return AdminRequest.NotFound("user");
        }
        string name = Text(node, "name") ?? "";
        DateTimeOffset? expires = null;
        if (node["expires_at"] is JsonValue e)
        {
            if (e.TryGetValue(out long ms))
            {
                expires = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
            else if (e.TryGetValue(out string? text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                expires = at;
            }
            else
            {
                return AdminRequest.Invalid("expires_at", "Give the expiry as Unix milliseconds or an ISO 8601 time.");
            }
        }
        var scopes = SftpAccessTokenScopes.None;
        if (node["scopes"] is JsonArray array)
        {
            foreach (var item in array)
            {
                var scope = ParseScope(item is JsonValue v && v.TryGetValue(out string? s) ? s : null);
                if (scope is null || (owner.Kind == SftpCredentialOwnerKind.User && scope == SftpAccessTokenScopes.Api)
                    || (owner.Kind == SftpCredentialOwnerKind.Admin && scope == SftpAccessTokenScopes.Ssh))
                {
                    return AdminRequest.Invalid("scopes", owner.Kind == SftpCredentialOwnerKind.User ? "Account tokens take 'ssh' and 'web'." : "Admin tokens take 'web' and 'api'.");
                }
                scopes |= scope.Value;
            }
        }
        try
        {
            var (token, secret) = await credentials.CreateTokenAsync(owner, name, expires, scopes, context.RequestAborted);
            string? actor = AdminRequest.Actor(context);
            AdminLog.TokenChanged(admin.Logger, actor, "created", token.Id, owner);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(WriteToken(token, secret), statusCode: StatusCodes.Status201Created);
        }
        catch (ArgumentException ex)
        {
            return AdminRequest.Invalid(ex.ParamName ?? "body", ex.Message.Split(" (Parameter", 2)[0]);
        }
        catch (InvalidOperationException ex)
        {
            return AdminRequest.Conflict(ex.Message);
        }
    }

    private static async Task<IResult> RevokeTokenAsync(HttpContext context, SftpCredentials credentials, AdminServices admin, SftpCredentialOwner owner, string id)
    {
        var token = SftpCredentials.IsValidTokenId(id) ? await credentials.Store.FindTokenAsync(id, context.RequestAborted) : null;
        if (token is null || token.OwnerKind != owner.Kind || token.OwnerName != owner.Name)
        {
            return AdminRequest.NotFound("token");
        }
        await credentials.Store.DeleteTokenAsync(id, context.RequestAborted);
        string? actor = AdminRequest.Actor(context);
        AdminLog.TokenChanged(admin.Logger, actor, "revoked", id, owner);
        return Results.NoContent();
    }

    internal static SftpAccessTokenScopes? ParseScope(string? name) => name?.ToLowerInvariant() switch
    {
        "ssh" => SftpAccessTokenScopes.Ssh,
        "web" => SftpAccessTokenScopes.Web,
        "api" => SftpAccessTokenScopes.Api,
        _ => null,
    };

    internal static List<string> ScopeNames(SftpAccessTokenScopes scopes) =>
        new[] { (SftpAccessTokenScopes.Ssh, "ssh"), (SftpAccessTokenScopes.Web, "web"), (SftpAccessTokenScopes.Api, "api") }
            .Where(s => scopes.HasFlag(s.Item1)).Select(s => s.Item2).ToList();

    private static JsonObject WriteToken(SftpAccessToken token, string? secret)
    {
        var obj = new JsonObject
        {
            ["id"] = token.Id,
            ["name"] = token.Name,
            ["scopes"] = new JsonArray(ScopeNames(token.Scopes).Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            ["created_at"] = token.CreatedAt.ToUnixTimeMilliseconds(),
            ["expires_at"] = token.ExpiresAt?.ToUnixTimeMilliseconds(),
            ["last_use_at"] = token.LastUseAt?.ToUnixTimeMilliseconds(),
        };
        if (secret is not null)
        {
            obj["token"] = secret;
        }
        return obj;
    }

    private static string? Text(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue v && v.TryGetValue(out string? s) && s.Length is > 0 and <= 1024 ? s : null;
}
