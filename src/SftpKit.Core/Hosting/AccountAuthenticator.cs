using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Hosting;

/// <summary>
/// The <see cref="ISshAuthenticator"/> over an <see cref="ISftpUserStore"/> (an account store, or the in-memory users'
/// own, <see cref="InMemoryAuthenticator"/>): checks that the account exists, then the
/// password (any format <see cref="SftpPasswordHasher"/> verifies; rehashed to argon2id after success) or the public
/// key, and the order of <see cref="SftpAccount.RequiredLoginSteps"/>. Whether the account may log in at all (enabled,
/// expiry, source address, methods, the pre-login event) is <see cref="AccountLoginAuthorizer"/>'s, for every login
/// whatever authenticated it. Unknown users
/// cost the same password-hashing time as known ones. The principal carries the account record as its
/// <see cref="SftpAccount"/> feature, which the session pipeline turns into the session's storage and policies.
/// <para>
/// With <see cref="SftpCredentials"/>: a password shaped as a personal access token is checked only as a token (scope
/// <c>ssh</c> over SSH, <c>web</c> for the web client) and then stands for the password and the second factor; an
/// account whose second factor applies to SSH cannot log in with the <c>password</c> method (the code has no place
/// there) but with keyboard-interactive, which asks <c>Password:</c> and then <c>Authentication code:</c>, or only the
/// code when the login's earlier step was <c>publickey</c> (<see cref="SftpAccount.RequiredLoginSteps"/>
/// <c>["publickey", "keyboard-interactive"]</c>). A public key alone is not asked for a code.
/// </para>
/// </summary>
internal sealed partial class AccountAuthenticator : ISshAuthenticator
{
    /// <summary>
    /// A login within this time of the stored <see cref="SftpAccount.LastLogin"/> does not write it again (SFTPGo keeps
    /// a 10-minute floor for the same reason): one store write, and on SQLite one fsync, less per login for an account
    /// that logs in often, at the price of a last-login time up to a minute old. Never affects who may log in.
    /// </summary>
    internal static readonly TimeSpan LastLoginWriteInterval = TimeSpan.FromMinutes(1);

    private readonly ISftpUserStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SftpCredentials? _credentials;

    public AccountAuthenticator(ISftpUserStore store, ILogger<AccountAuthenticator> logger, TimeProvider? time = null, SftpCredentials? credentials = null)
    {
        _store = store;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _credentials = credentials;
    }

    public async ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(password);
        if (_credentials is not null && SftpCredentials.LooksLikeToken(password))
        {
            return await TokenLoginAsync(context, password, cancellationToken).ConfigureAwait(false);
        }
        var (account, reason) = await VerifyPasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return Fail(context, reason);
        }
        if (!IsWeb(context) && await CodeRequiredAsync(account.UserName, cancellationToken).ConfigureAwait(false))
        {
            LogRefused(_logger, context.ConnectionId, account.UserName, "second factor required: log in with keyboard-interactive");
            return Fail(context, SshAuthFailureReason.InvalidCredentials);
        }
        return await SucceedAsync(account, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The account when <paramref name="password"/> is its password (rehashed when due), else null and why.</summary>
    private async ValueTask<(SftpAccount? Account, SshAuthFailureReason Reason)> VerifyPasswordAsync(SshAuthContext context, string password,
        CancellationToken cancellationToken)
    {
        var account = await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
        if (account?.PasswordHash is not { Length: > 0 } hash)
        {
            await PasswordHashGate.RunAsync(() =>
            {
                SftpPasswordHasher.VerifyDummy(password);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return (null, account is null ? SshAuthFailureReason.UnknownUser : SshAuthFailureReason.InvalidCredentials);
        }
        var verdict = await PasswordHashGate.RunAsync(() => SftpPasswordHasher.Verify(hash, password), cancellationToken).ConfigureAwait(false);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return (null, SshAuthFailureReason.InvalidCredentials);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            string rehashed = await PasswordHashGate.RunAsync(() => SftpPasswordHasher.Hash(password), cancellationToken).ConfigureAwait(false);
            await _store.UpdatePasswordHashAsync(account.UserName, hash, rehashed, cancellationToken).ConfigureAwait(false);
        }
        return (account, SshAuthFailureReason.None);
    }

    /// <summary>A personal access token given as the password: accepted for its owner, unexpired, with the protocol's scope.</summary>
    private async ValueTask<SshAuthResult> TokenLoginAsync(SshAuthContext context, string token, CancellationToken cancellationToken)
    {
        var account = await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return Fail(context, SshAuthFailureReason.UnknownUser);
        }
        var scope = IsWeb(context) ? SftpAccessTokenScopes.Web : SftpAccessTokenScopes.Ssh;
        var accepted = await _credentials!.ValidateTokenAsync(SftpCredentialOwner.User(account.UserName), token, scope, cancellationToken).ConfigureAwait(false);
        if (accepted is null)
        {
            LogRefused(_logger, context.ConnectionId, account.UserName, "access token unknown, expired, revoked or without this scope");
            return Fail(context, SshAuthFailureReason.InvalidCredentials);
        }
        var result = await SucceedAsync(account, context, cancellationToken).ConfigureAwait(false);
        result.Principal?.SetFeature(accepted);
        return result;
    }

    private async ValueTask<bool> CodeRequiredAsync(string userName, CancellationToken cancellationToken) =>
        _credentials is not null && await _credentials.IsRequiredAsync(SftpCredentialOwner.User(userName), SftpTotpProtocols.Ssh, cancellationToken).ConfigureAwait(false);

    private static bool IsWeb(SshAuthContext context) => context.ClientVersion == Events.SftpEventProtocol.Http;

    public async ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        var account = await _store.FindAsync(context.UserName, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return Fail(context, SshAuthFailureReason.UnknownUser);
        }
        // A certificate reaching here was already validated (trusted CA, validity, principals, critical options).
        bool known = key.Certificate is not null;
        foreach (string line in account.PublicKeys)
        {
            if (SshPublicKey.TryParseAuthorizedKey(line, out var allowed) && allowed.Equals(key))
            {
                known = true;
                break;
            }
        }
        if (!known)
        {
            return Fail(context, SshAuthFailureReason.InvalidCredentials);
        }
        return await SucceedAsync(account, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The step's credentials were right: with <see cref="SftpAccount.RequiredLoginSteps"/>, each step must use the
    /// method required at its position and all but the last answer "continue"; otherwise the login is complete.
    /// </summary>
    private async ValueTask<SshAuthResult> SucceedAsync(SftpAccount account, SshAuthContext context, CancellationToken cancellationToken)
    {
        var required = account.RequiredLoginSteps;
        if (required.Count > 0)
        {
            int step = context.PassedMethods.Count;
            if (step >= required.Count || !SameMethod(required[step], context.Method)
                || !context.PassedMethods.Select((m, i) => SameMethod(required[i], m)).All(ok => ok))
            {
                LogRefused(_logger, context.ConnectionId, account.UserName, "login steps out of order");
                return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
            }
            if (step < required.Count - 1)
            {
                return SshAuthResult.Continue(required[step + 1]);
            }
        }
        var now = _time.GetUtcNow();
        if (account.LastLogin is not { } last || now - last >= LastLoginWriteInterval || now < last)
        {
            await _store.RecordLoginAsync(account.UserName, now, cancellationToken).ConfigureAwait(false);
        }
        var principal = new SshPrincipal(account.UserName, account.HomeDirectory) { MaxSessions = account.MaxSessions };
        principal.SetFeature(account);
        return SshAuthResult.Success(principal);
    }

    private static bool SameMethod(string required, string used) =>
        required == used || (required == "publickey" && used == "publickey-hostbound-v00@openssh.com");

    private static SshAuthResult Fail(SshAuthContext context, SshAuthFailureReason reason)
    {
        _ = context;
        return SshAuthResult.Fail(reason);
    }

    [LoggerMessage(5011, LogLevel.Information, "Connection {ConnectionId} user {UserName} refused: {Reason}", EventName = "AccountLoginStepsRefused")]
    private static partial void LogRefused(ILogger logger, string connectionId, string userName, string reason);
}
