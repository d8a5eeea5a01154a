using System.Net;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// The password check every admin login goes through (the API's <c>POST /token</c> and the WebAdmin's sign-in page),
/// after <see cref="AdminLoginGuard.AdmitAsync"/> has let the attempt in: the admin's hash is verified (a dummy hash
/// when there is no such admin, so timing does not tell), the admin must be enabled and inside its allowed networks,
/// a failure is logged and scored in the defender, and an outdated hash is upgraded.
/// </summary>
internal static class AdminPasswordLogin
{
    /// <summary>The admin, or null when the login failed (already logged and scored).</summary>
    public static async ValueTask<SftpAdmin?> VerifyAsync(ISftpAdminStore store, AdminLoginGuard guard, ILogger log, IPAddress? remote,
        string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(guard);
        var found = await store.FindAsync(user, cancellationToken);
        var verdict = PasswordVerificationResult.Failed;
        if (found?.PasswordHash is null)
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
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            allowed.PasswordHash = SftpPasswordHasher.Hash(password);
            await store.UpdateAsync(allowed, cancellationToken);
        }
        return allowed;
    }
}
