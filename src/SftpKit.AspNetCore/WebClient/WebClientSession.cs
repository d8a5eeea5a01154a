using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;
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
        // The area's pipeline (WebPipeline) authenticated the web client's cookie into HttpContext.User.
        var user = context.User;
        if (!WebAccess.IsSignedIn(context, WebArea.Of(context)) || user.Identity?.Name is not { Length: > 0 } userName)
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
            _ when user.FindFirstValue(WebClientLogin.StampClaim) != WebClientLogin.Stamp(account.PasswordHash) => "password changed",
            _ => null,
        };
        if (why is not null)
        {
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(WebClientLog.Category);
            WebClientLog.SessionEnded(log, userName, why);
            await WebCookieAuthentication.SignOutAsync(context, SftpWebClientDefaults.AuthenticationScheme);
            return null;
        }
        string sessionId = user.FindFirstValue(WebClientLogin.SessionClaim) ?? "web";
        var principal = new SshPrincipal(account!.UserName, account.HomeDirectory) { MaxSessions = account.MaxSessions };
        principal.SetFeature(account);
        var files = await services.GetRequiredService<ISftpFileSystemProvider>().GetFileSystemAsync(principal, SftpEventProtocol.Http, sessionId,
            context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        return new WebClientSession(account, files, sessionId);
    }
}
