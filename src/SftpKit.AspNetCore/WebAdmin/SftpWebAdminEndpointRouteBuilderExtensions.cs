using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.AspNetCore.WebAdmin;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the WebAdmin pages.</summary>
public static class SftpWebAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the WebAdmin, the operators' web pages, under <paramref name="prefix"/> (sign in, dashboard, accounts,
    /// connections, defender, admins and API keys, backup), and returns their route group. Requires
    /// <c>services.AddSftpWebAdmin()</c> and an SftpKit server with an account store. Every page checks the same
    /// admin permissions as the admin API. No middleware is needed besides routing: the group authenticates its own
    /// cookie, checks antiforgery tokens and sets its security headers. Serve it over HTTPS (Kestrel certificate or a
    /// TLS reverse proxy with <c>UseForwardedHeaders</c>) outside a trusted network.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The path of the pages. Defaults to <c>/web/admin</c>.</param>
    /// <returns>The route group of every WebAdmin endpoint.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSftpWebAdmin</c> was not called.</exception>
    public static RouteGroupBuilder MapSftpWebAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/web/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<WebAdminMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddSftpWebAdmin() before MapSftpWebAdmin.");
        }
        return WebAdminPages.Map(endpoints, prefix);
    }
}
