using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// One request of a signed-in account holder: the account as stored now and its file system, built by the server's
/// <see cref="ISftpFileSystemProvider"/> — the same account → storage → virtual folders → policies → events
/// composition as an SFTP session, with events labelled <c>HTTP</c>. The account is read again on every request, so a
/// disabled, expired or deleted account, or a password changed elsewhere, ends the session at once.
/// </summary>
internal sealed class WebClientSession
{
    private WebClientSession(SftpAccount account, IVirtualFileSystem files, string sessionId)
    {
        Account = account;
        Files = files;
        SessionId = sessionId;
    }

    public SftpAccount Account { get; }

    public IVirtualFileSystem Files { get; }

    public string SessionId { get; }

    public string UserName => Account.UserName;

    /// <summary>The session of the request's cookie, or null (not signed in, or the session no longer holds).</summary>
    public static async Task<WebClientSession?> ResolveAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(SftpWebClientDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal?.Identity?.Name is not { Length: > 0 } userName)
        {
            return null;
        }
        var services = context.RequestServices;
        var store = services.GetRequiredService<ISftpUserStore>();
        var account = await store.FindAsync(userName, context.RequestAborted);
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        string? why = account switch
        {
            null => "account deleted",
            { Enabled: false } => "account disabled",
            { ExpiresAt: { } expires } when time.GetUtcNow() >= expires => "account expired",
            _ when result.Principal.FindFirstValue(WebClientLogin.StampClaim) != WebClientLogin.Stamp(account.PasswordHash) => "password changed",
            _ => null,
        };
        if (why is not null)
        {
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(WebClientLog.Category);
            WebClientLog.SessionEnded(log, userName, why);
            await context.SignOutAsync(SftpWebClientDefaults.AuthenticationScheme);
            return null;
        }
        context.User = result.Principal;
        string sessionId = result.Principal.FindFirstValue(WebClientLogin.SessionClaim) ?? "web";
        var principal = new SshPrincipal(account!.UserName, account.HomeDirectory) { MaxSessions = account.MaxSessions };
        principal.SetFeature(account);
        var files = await services.GetRequiredService<ISftpFileSystemProvider>().GetFileSystemAsync(principal, SftpEventProtocol.Http, sessionId,
            context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        return new WebClientSession(account, files, sessionId);
    }
}
