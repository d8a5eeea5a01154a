using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;
using SftpKit.AspNetCore.WebClient;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SftpKit web client.</summary>
public static class SftpWebClientEndpointRouteBuilderExtensions
{
    private static readonly WebNavLink[] s_navigation = [new("Files", "files"), new("Profile", "profile"), new("Security", "security")];

    private static readonly WebNavLink[] s_navigationWithShares = [new("Files", "files"), new("Shares", "shares"), new("Profile", "profile"), new("Security", "security")];

    /// <summary>
    /// Maps the web client under <paramref name="prefix"/>: the pages where account holders sign in with their
    /// password (<c>login</c>, inputs <c>username</c> and <c>password</c>), browse their files (<c>files?path=</c>),
    /// download (<c>download?path=</c>, with range requests), download a folder or a selection as a zip (<c>zip</c>,
    /// at most <see cref="SftpWebClientOptions.MaxZipEntries"/> entries, default 10000), upload several files at once
    /// (at most <see cref="SftpWebClientOptions.MaxUploadFiles"/> per request, default 100, each streamed to storage),
    /// create folders, rename, delete, on <c>profile</c> change their password and authorized keys when allowed, and on
    /// <c>shares</c> list, create and delete their share links when the host called <c>AddSftpShares()</c> (else 404).
    /// Files go through the same account → storage → virtual folders → policies → events path as SFTP, with events of
    /// protocol <c>HTTP</c>. Every form carries an antiforgery token; pages send a Content-Security-Policy without
    /// inline scripts. Sessions time out after <see cref="SftpWebClientOptions.SessionTimeout"/> (default 20 minutes)
    /// without a request. Needs <c>services.AddSftpWebClient()</c>; the group authenticates its own cookie, checks antiforgery
    /// tokens and sets its security headers, so no middleware is needed besides routing. Serve it over HTTPS (or behind a TLS proxy with
    /// <c>UseForwardedHeaders()</c>) so the cookie is marked Secure.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The route prefix. Defaults to <c>/web/client</c>.</param>
    /// <returns>The route group of the web client's endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSftpWebClient</c> was not called, or no account store is registered.</exception>
    public static RouteGroupBuilder MapSftpWebClient(this IEndpointRouteBuilder endpoints, string prefix = "/web/client")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        var probe = services.GetRequiredService<IServiceProviderIsService>();
        if (!probe.IsService(typeof(WebClientLogin)))
        {
            throw new InvalidOperationException("Call services.AddSftpWebClient() before MapSftpWebClient.");
        }
        if (!probe.IsService(typeof(ISftpUserStore)))
        {
            throw new InvalidOperationException("The web client needs an account store (e.g. AddInMemoryUserStore(), AddJsonFileUserStore(), AddSqlUserStore()).");
        }
        prefix = WebArea.NormalizePrefix(prefix);
        // The share pages are there when the host registered share links (AddSftpShares).
        var navigation = probe.IsService(typeof(SftpKit.AspNetCore.Shares.ShareService)) ? s_navigationWithShares : s_navigation;
        var area = new WebArea(prefix, SftpWebClientDefaults.AuthenticationScheme, "SftpKit", _ => navigation);
        var group = endpoints.MapGroup(prefix);
        group.ExcludeFromDescription();
        WebPipeline.Apply(group, area);
        WebClientEndpoints.Map(group, prefix);
        return group;
    }
}
