using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.Events;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// Account holders' sign-in: the same path as an SSH password login — the registered <see cref="ISshAuthenticator"/>
/// (the account store's: password check in any stored format, rehash, last-login time, equal cost for unknown users)
/// and every <see cref="ISshLoginAuthorizer"/> (enabled, expiry, denied methods, source networks, the pre-login event,
/// raised with protocol <c>HTTP</c>) — behind the admin API's per-address rate limit and the server's defender
/// (<see cref="AdminLoginGuard"/>), where failures score as they do over SSH. An account that requires several login
/// steps (e.g. key then password) cannot sign in here.
/// </summary>
internal sealed class WebClientLogin
{
    /// <summary>The claim holding a digest of the password hash the session was opened with.</summary>
    public const string StampClaim = "sftpkit:stamp";

    /// <summary>The claim holding the session's random id (the events' session id).</summary>
    public const string SessionClaim = "sftpkit:sid";

    private readonly ISshAuthenticator _authenticator;
    private readonly IEnumerable<ISshLoginAuthorizer> _authorizers;
    private readonly AdminLoginGuard _guard;
    private readonly ISftpUserStore _store;
    private readonly ILogger _log;

    private readonly SftpCredentials? _credentials;

    public WebClientLogin(ISshAuthenticator authenticator, IEnumerable<ISshLoginAuthorizer> authorizers, AdminLoginGuard guard,
        ISftpUserStore store, ILoggerFactory loggers, SftpCredentials? credentials = null)
    {
        _credentials = credentials;
        _store = store;
        _authenticator = authenticator;
        _authorizers = authorizers;
        _guard = guard;
        _log = loggers.CreateLogger(WebClientLog.Category);
    }

    /// <summary>The outcome of a sign-in: the session's identity, or the status code and generic text to answer with.</summary>
    /// <param name="Principal">The session's identity, or null when the sign-in failed.</param>
    /// <param name="StatusCode">The status to answer a failure with.</param>
    /// <param name="Error">The generic text of a failure.</param>
    /// <param name="NeedsCode">True when the password was right but the account's second factor applies to the web:
    /// the session opens only after <see cref="VerifyCodeAsync"/>.</param>
    public sealed record Outcome(ClaimsPrincipal? Principal, int StatusCode, string? Error, bool NeedsCode = false);

    public async Task<Outcome> SignInAsync(HttpContext context, string userName, string password)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (await _guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refusal)
        {
            return new Outcome(null, refusal.StatusCode, refusal.StatusCode == StatusCodes.Status429TooManyRequests
                ? "Too many sign-in attempts; try again later." : "Sign-in is not possible from this address.");
        }
        if (userName.Length is 0 or > 255 || password.Length == 0 || Encoding.UTF8.GetByteCount(password) > SftpPasswordHasher.MaxPasswordBytes
            || userName.Any(c => c < ' ' || c == '/'))
        {
            await _guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return Failed();
        }
        string sessionId = "web-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        EndPoint? endPoint = remote is null ? null : new IPEndPoint(remote, context.Connection.RemotePort);
        var auth = new SshAuthContext(userName, endPoint, SftpEventProtocol.Http, sessionId, "password", []);
        var result = await _authenticator.AuthenticatePasswordAsync(auth, password, context.RequestAborted);
        if (!result.Succeeded)
        {
            WebClientLog.LoginFailed(_log, remote, result.IsPartialSuccess ? "further login steps required" : result.FailureReason.ToString());
            if (!result.IsPartialSuccess)
            {
                await _guard.FailedAsync(remote, result.FailureReason switch
                {
                    SshAuthFailureReason.UnknownUser => SftpDefenderEvent.UnknownUser,
                    SshAuthFailureReason.LimitReached => SftpDefenderEvent.LimitExceeded,
                    _ => SftpDefenderEvent.InvalidCredentials,
                }, countAttempt: false);
            }
            return Failed();
        }
        var principal = result.Principal!;
        foreach (var authorizer in _authorizers)
        {
            var reason = await authorizer.AuthorizeAsync(auth, principal, context.RequestAborted);
            if (reason != SshAuthFailureReason.None)
            {
                WebClientLog.LoginFailed(_log, remote, "refused by the account's rules");
                await _guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
                return Failed();
            }
        }
        // The stamp is of the hash as stored after the login (which may have rehashed it).
        var account = await _store.FindAsync(principal.UserName, context.RequestAborted);
        if (account is null)
        {
            return Failed();
        }
        var identity = Identity(principal.UserName, account.PasswordHash, sessionId);
        // A personal access token stands for both factors; a password needs the code when the account's second factor covers HTTP.
        if (principal.GetFeature<SftpAccessToken>() is null && _credentials is not null
            && await _credentials.IsRequiredAsync(SftpCredentialOwner.User(principal.UserName), SftpTotpProtocols.Http, context.RequestAborted))
        {
            return new Outcome(identity, StatusCodes.Status200OK, null, NeedsCode: true);
        }
        WebClientLog.LoggedIn(_log, principal.UserName, remote);
        return new Outcome(identity, StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The second step: the code of <paramref name="userName"/>'s second factor, behind the same guard; a wrong or
    /// reused code is logged and scored. True when the session may open.
    /// </summary>
    public async Task<(bool Accepted, int StatusCode)> VerifyCodeAsync(HttpContext context, string userName, string? code)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (await _guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refusal)
        {
            return (false, refusal.StatusCode);
        }
        if (_credentials is null || code is null || code.Length > Web.WebSignInCode.MaxCodeLength
            || !await _credentials.VerifyCodeAsync(SftpCredentialOwner.User(userName), code, context.RequestAborted))
        {
            WebClientLog.LoginFailed(_log, remote, "wrong or reused one-time code");
            await _guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return (false, StatusCodes.Status401Unauthorized);
        }
        WebClientLog.LoggedIn(_log, userName, remote);
        return (true, StatusCodes.Status200OK);
    }

    /// <summary>The cookie's identity: the user name, the password stamp and the session id.</summary>
    public static ClaimsPrincipal Identity(string userName, string? passwordHash, string sessionId) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, userName),
            new Claim(StampClaim, Stamp(passwordHash)),
            new Claim(SessionClaim, sessionId),
        ], SftpWebClientDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// A digest of the stored password hash: a session opened before the password changed (here or by an admin) no
    /// longer matches and ends. Never the hash itself, which stays out of the cookie.
    /// </summary>
    public static string Stamp(string? passwordHash) => passwordHash is null
        ? "-"
        : Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)).AsSpan(0, 12));

    private static Outcome Failed() => new(null, StatusCodes.Status401Unauthorized, "Invalid username or password.");
}
