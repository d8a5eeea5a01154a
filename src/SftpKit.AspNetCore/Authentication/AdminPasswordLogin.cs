using System.Net;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// The password check every admin login goes through (the API's <c>POST /token</c> and the WebAdmin's sign-in page),
/// after <see cref="AdminLoginGuard.AdmitAsync"/> has let the attempt in: the admin's hash is verified (a dummy hash
/// when there is no such admin, so timing does not tell), the admin must be enabled and inside its allowed networks,
/// a failure is logged and scored in the defender, and an outdated hash is upgraded. A password shaped as a personal
/// access token (<see cref="SftpCredentials.LooksLikeToken"/>) is checked only as one of the admin's tokens with
/// the scope given; such a login is not asked for a one-time code (<see cref="NeedsCodeAsync"/>).
/// </summary>
internal static class AdminPasswordLogin
{
    /// <summary>The admin, or null when the login failed (already logged and scored).</summary>
    public static async ValueTask<SftpAdmin?> VerifyAsync(ISftpAdminStore store, AdminLoginGuard guard, ILogger log, IPAddress? remote,
        string user, string password, CancellationToken cancellationToken, SftpCredentials? credentials = null,
        SftpAccessTokenScopes scope = SftpAccessTokenScopes.Api)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(guard);
        var found = await store.FindAsync(user, cancellationToken);
        var verdict = PasswordVerificationResult.Failed;
        if (credentials is not null && SftpCredentials.LooksLikeToken(password))
        {
            if (found is not null && await credentials.ValidateTokenAsync(SftpCredentialOwner.Admin(found.UserName), password, scope, cancellationToken) is not null)
            {
                verdict = PasswordVerificationResult.Success;
            }
        }
        else if (found?.PasswordHash is null)
        {
            SftpPasswordHasher.VerifyDummy(password);
        }
        else
        {
            verdict = SftpPasswordHasher.Verify(found.PasswordHash, password);
        }
        if (found is null || verdict == PasswordVerificationResult.Failed)
        {
            AdminLog.LoginFailed(log, remote, found is null ? "unknown admin" : "wrong password");
            await guard.FailedAsync(remote, found is null ? SftpDefenderEvent.UnknownUser : SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return null;
        }
        var (allowed, reason) = await AdminAccess.CheckAsync(store, user, remote, cancellationToken);
        if (allowed is null)
        {
            // Like an SSH account that may not log in now (disabled, outside its networks): a failed login.
            AdminLog.LoginFailed(log, remote, reason);
            await guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return null;
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded && !SftpCredentials.LooksLikeToken(password))
        {
            allowed.PasswordHash = SftpPasswordHasher.Hash(password);
            await store.UpdateAsync(allowed, cancellationToken);
        }
        return allowed;
    }

    /// <summary>Whether the admin, having given <paramref name="password"/>, must still give a one-time code.</summary>
    public static async ValueTask<bool> NeedsCodeAsync(SftpCredentials? credentials, SftpAdmin admin, string password, CancellationToken cancellationToken) =>
        credentials is not null && !SftpCredentials.LooksLikeToken(password)
        && await credentials.IsRequiredAsync(SftpCredentialOwner.Admin(admin.UserName), SftpTotpProtocols.Http, cancellationToken);
}
