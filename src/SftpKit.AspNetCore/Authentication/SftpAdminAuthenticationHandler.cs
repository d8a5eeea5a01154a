using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// The <c>SftpKitAdmin</c> scheme: <c>Authorization: Bearer JWT</c> from <c>POST /token</c>, or an API key in
/// <see cref="SftpAdminAuthenticationOptions.ApiKeyHeaderName"/>. The admin is looked up on every request (a disabled
/// or deleted admin loses access at once) and its allowed networks are checked against the connection's remote
/// address, which ASP.NET Core's forwarded-headers middleware rewrites only for trusted proxies. Challenges answer
/// 401 and forbids 403, both as problem details.
/// </summary>
internal sealed class SftpAdminAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly ISftpAdminStore _store;
    private readonly SftpAdminTokens _tokens;
    private readonly SftpAdminAuthenticationOptions _adminOptions;
    private readonly ILogger _log;

    public SftpAdminAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        ISftpAdminStore store, SftpAdminTokens tokens, IOptions<SftpAdminAuthenticationOptions> adminOptions)
        : base(options, logger, encoder)
    {
        _store = store;
        _tokens = tokens;
        _adminOptions = adminOptions.Value;
        _log = logger.CreateLogger(AdminLog.Category);
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress;
        string? authorization = Request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            string? name = _tokens.Validate(authorization["Bearer ".Length..].Trim(), out string reason);
            if (name is null)
            {
                return Refuse(remote, reason);
            }
            var (admin, why) = await AdminAccess.CheckAsync(_store, name, remote, Context.RequestAborted);
            return admin is null ? Refuse(remote, why) : Success(admin, "token", null);
        }
        string? apiKey = Request.Headers[_adminOptions.ApiKeyHeaderName];
        if (string.IsNullOrEmpty(apiKey))
        {
            return AuthenticateResult.NoResult();
        }
        if (Context.GetEndpoint()?.Metadata.GetMetadata<SftpAdminTokenOnlyMetadata>() is not null)
        {
            return Refuse(remote, "API keys are not accepted for this endpoint");
        }
        if (apiKey.Length > AdminAccess.MaxApiKeyLength)
        {
            return Refuse(remote, "malformed API key");
        }
        string[] parts = apiKey.Split('.', 3);
        if (parts.Length < 2)
        {
            return Refuse(remote, "malformed API key");
        }
        var key = await _store.FindApiKeyAsync(parts[0], Context.RequestAborted);
        if (key is null || !AdminAccess.SecretMatches(parts[1], key.SecretHash))
        {
            return Refuse(remote, "unknown API key");
        }
        if (key.ExpiresAt is { } expires && _tokens.Clock.GetUtcNow() >= expires)
        {
            return Refuse(remote, "API key expired");
        }
        string? impersonate = parts.Length == 3 ? parts[2] : null;
        if (key.Admin is not null && impersonate is not null && impersonate != key.Admin)
        {
            return Refuse(remote, "API key bound to another admin");
        }
        string? adminName = key.Admin ?? impersonate;
        if (adminName is null)
        {
            return Refuse(remote, "unbound API key without KEY.admin");
        }
        var (target, refusal) = await AdminAccess.CheckAsync(_store, adminName, remote, Context.RequestAborted);
        if (target is null)
        {
            return Refuse(remote, refusal);
        }
        if (!target.AllowApiKeyAuth)
        {
            return Refuse(remote, "admin does not allow API key authentication");
        }
        return Success(target, "apikey", key.Id);
    }

    private AuthenticateResult Success(SftpAdmin admin, string method, string? keyId) =>
        AuthenticateResult.Success(new AuthenticationTicket(AdminAccess.Principal(admin, method, keyId), Scheme.Name));

    private AuthenticateResult Refuse(IPAddress? remote, string reason)
    {
        AdminLog.AuthenticationRefused(_log, remote, reason);
        // The reason stays in the log; the client gets the generic 401 of the challenge.
        return AuthenticateResult.Fail("Authentication failed.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"SftpKit admin\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "A valid token (Authorization: Bearer) or API key is required.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "The admin lacks the permission this endpoint requires.").ExecuteAsync(Context);
}
