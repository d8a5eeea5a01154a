using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
/// address, which ASP.NET Core's forwarded-headers middleware rewrites only for trusted proxies. API keys go through
/// <see cref="AdminLoginGuard"/>: from an address past its login attempts (429) or banned (403) they are not checked,
/// and each one that fails is counted and scored in the defender. Bearer tokens are not: a signed token cannot be
/// guessed, and an expired one is routine, not an attack. Challenges answer 401 (or the guard's refusal) and forbids
/// 403, all as problem details. Without either header, a TLS client certificate whose SHA-256 fingerprint
/// <see cref="SftpAdminAuthenticationOptions.ClientCertificates"/> maps to an admin authenticates as that admin; an
/// unmapped one is refused and counted like a failed API key.
/// </summary>
internal sealed class SftpAdminAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    private readonly ISftpAdminStore _store;
    private readonly SftpAdminTokens _tokens;
    private readonly SftpAdminAuthenticationOptions _adminOptions;
    private readonly AdminLoginGuard _guard;
    private readonly ILogger _log;

    public SftpAdminAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        ISftpAdminStore store, SftpAdminTokens tokens, IOptions<SftpAdminAuthenticationOptions> adminOptions, AdminLoginGuard guard)
        : base(options, logger, encoder)
    {
        _store = store;
        _tokens = tokens;
        _adminOptions = adminOptions.Value;
        _guard = guard;
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
            return Context.Connection.ClientCertificate is { } certificate && _adminOptions.ClientCertificates.Count > 0
                ? await CertificateAsync(certificate, remote)
                : AuthenticateResult.NoResult();
        }
        if (Context.GetEndpoint()?.Metadata.GetMetadata<SftpAdminTokenOnlyMetadata>() is not null)
        {
            return Refuse(remote, "API keys are not accepted for this endpoint");
        }
        if (await _guard.AdmitAsync(remote, countAttempt: false, Context.RequestAborted) is { } refusal)
        {
            // The challenge answers with this refusal instead of 401.
            Context.Features.Set(refusal);
            return Refuse(remote, "API key not checked: the address is refused");
        }
        if (apiKey.Length > AdminAccess.MaxApiKeyLength)
        {
            return await FailAsync(remote, "malformed API key", SftpDefenderEvent.InvalidCredentials);
        }
        string[] parts = apiKey.Split('.', 3);
        if (parts.Length < 2)
        {
            return await FailAsync(remote, "malformed API key", SftpDefenderEvent.InvalidCredentials);
        }
        var key = await _store.FindApiKeyAsync(parts[0], Context.RequestAborted);
        if (key is null)
        {
            return await FailAsync(remote, "unknown API key", SftpDefenderEvent.UnknownUser);
        }
        if (!AdminAccess.SecretMatches(parts[1], key.SecretHash))
        {
            return await FailAsync(remote, "unknown API key", SftpDefenderEvent.InvalidCredentials);
        }
        if (key.ExpiresAt is { } expires && _tokens.Clock.GetUtcNow() >= expires)
        {
            return await FailAsync(remote, "API key expired", SftpDefenderEvent.InvalidCredentials);
        }
        string? impersonate = parts.Length == 3 ? parts[2] : null;
        if (key.Admin is not null && impersonate is not null && impersonate != key.Admin)
        {
            return await FailAsync(remote, "API key bound to another admin", SftpDefenderEvent.InvalidCredentials);
        }
        string? adminName = key.Admin ?? impersonate;
        if (adminName is null)
        {
            return await FailAsync(remote, "unbound API key without KEY.admin", SftpDefenderEvent.InvalidCredentials);
        }
        var (target, notAllowed) = await AdminAccess.CheckAsync(_store, adminName, remote, Context.RequestAborted);
        if (target is null)
        {
            return await FailAsync(remote, notAllowed, SftpDefenderEvent.InvalidCredentials);
        }
        if (!target.AllowApiKeyAuth)
        {
            return await FailAsync(remote, "admin does not allow API key authentication", SftpDefenderEvent.InvalidCredentials);
        }
        return Success(target, "apikey", key.Id);
    }

    /// <summary>A TLS client certificate: its SHA-256 fingerprint must be mapped to an admin; anything else is refused.</summary>
    private async Task<AuthenticateResult> CertificateAsync(X509Certificate2 certificate, IPAddress? remote)
    {
        if (await _guard.AdmitAsync(remote, countAttempt: false, Context.RequestAborted) is { } refusal)
        {
            Context.Features.Set(refusal);
            return Refuse(remote, "client certificate not checked: the address is refused");
        }
        string fingerprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        string? name = _adminOptions.ClientCertificates
            .FirstOrDefault(p => string.Equals(p.Key.Replace(":", "", StringComparison.Ordinal), fingerprint, StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrEmpty(name))
        {
            return await FailAsync(remote, "client certificate not mapped to an admin", SftpDefenderEvent.InvalidCredentials);
        }
        var (admin, why) = await AdminAccess.CheckAsync(_store, name, remote, Context.RequestAborted);
        return admin is null ? await FailAsync(remote, why, SftpDefenderEvent.InvalidCredentials) : Success(admin, "certificate", null);
    }

    private AuthenticateResult Success(SftpAdmin admin, string method, string? keyId) =>
        AuthenticateResult.Success(new AuthenticationTicket(AdminAccess.Principal(admin, method, keyId), Scheme.Name));

    /// <summary>A failed API key: counted against the address's login attempts and scored in the defender.</summary>
    private async Task<AuthenticateResult> FailAsync(IPAddress? remote, string reason, SftpDefenderEvent kind)
    {
        await _guard.FailedAsync(remote, kind, countAttempt: true);
        return Refuse(remote, reason);
    }

    private AuthenticateResult Refuse(IPAddress? remote, string reason)
    {
        AdminLog.AuthenticationRefused(_log, remote, reason);
        // The reason stays in the log; the client gets the generic 401 of the challenge.
        return AuthenticateResult.Fail("Authentication failed.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Features.Get<AdminLoginRefusal>() is { } refusal)
        {
            return refusal.ExecuteAsync(Context);
        }
        Response.Headers.WWWAuthenticate = "Bearer realm=\"SftpKit admin\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
            detail: "A valid token (Authorization: Bearer) or API key is required.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "The admin lacks the permission this endpoint requires.").ExecuteAsync(Context);
}
