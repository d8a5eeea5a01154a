using System.Net;
using SftpKit.Accounts;
using SftpKit.Events;

namespace SftpKit.Hosting.Hooks;

/// <summary>What the hooks share: the request fields the format names, and turning an account into a login result.</summary>
internal static class HookLogin
{
    /// <summary>
    /// A login within this time of the stored last login does not write it again: the account authenticator's own
    /// interval (one minute), repeated here so the hooks do not depend on the hosting namespace above them.
    /// </summary>
    private static readonly TimeSpan LastLoginWriteInterval = TimeSpan.FromMinutes(1);

    /// <summary>The format's protocol name: <c>HTTP</c> for the web client's logins, else <c>SSH</c>.</summary>
    public static string Protocol(SshAuthContext context) =>
        context.ClientVersion == SftpEventProtocol.Http ? "HTTP" : "SSH";

    /// <summary>The client's address without its port, or empty.</summary>
    public static string Ip(SshAuthContext context) => context.RemoteEndPoint switch
    {
        IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
        null => string.Empty,
        var other => other.ToString() ?? string.Empty,
    };

    /// <summary>
    /// The login result for an account the hooks accepted: with <see cref="SftpAccount.RequiredLoginSteps"/>, each step
    /// must use the method required at its position and all but the last continue; otherwise a principal carrying the
    /// account, which the session pipeline turns into storage, folders, policies and events like any other login.
    /// </summary>
    public static async ValueTask<SshAuthResult> CompleteAsync(SftpAccount account, SshAuthContext context, ISftpUserStore? store,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var required = account.RequiredLoginSteps;
        if (required.Count > 0)
        {
            int step = context.PassedMethods.Count;
            if (step >= required.Count || !SameMethod(required[step], context.Method)
                || !context.PassedMethods.Select((m, i) => SameMethod(required[i], m)).All(ok => ok))
            {
                return SshAuthResult.Fail(SshAuthFailureReason.AccessDenied);
            }
            if (step < required.Count - 1)
            {
                return SshAuthResult.Continue(required[step + 1]);
            }
        }
        if (store is not null)
        {
            var now = time.GetUtcNow();
            if (account.LastLogin is not { } last || now - last >= LastLoginWriteInterval || now < last)
            {
                await store.RecordLoginAsync(account.UserName, now, cancellationToken).ConfigureAwait(false);
            }
        }
        var principal = new SshPrincipal(account.UserName, account.HomeDirectory) { MaxSessions = account.MaxSessions };
        principal.SetFeature(account);
        return SshAuthResult.Success(principal);
    }

    /// <summary>Creates or replaces <paramref name="account"/> in the store, keeping the stored last-login time.</summary>
    public static async ValueTask SaveAsync(ISftpUserStore store, SftpAccount account, CancellationToken cancellationToken)
    {
        var existing = await store.FindAsync(account.UserName, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            account.LastLogin ??= existing.LastLogin;
            if (await store.UpdateAsync(account, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
        try
        {
            await store.CreateAsync(account, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Created meanwhile by another login of the same user: replace it.
            await store.UpdateAsync(account, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool SameMethod(string required, string used) =>
        required == used || (required == "publickey" && used == "publickey-hostbound-v00@openssh.com");
}
