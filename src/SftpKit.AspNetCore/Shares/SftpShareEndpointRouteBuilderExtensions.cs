using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.AspNetCore.Shares;
using SftpKit.AspNetCore.Web;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the public pages of share links.</summary>
public static class SftpShareEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the public share links under <paramref name="prefix"/>: <c>PREFIX/{id}</c> is a share's page (its password
    /// form first when it has one), with <c>/files</c> (a file, streamed, with range requests), <c>/zip</c> (a folder
    /// as a streamed zip), <c>/dirs</c> (a folder's entries as JSON) and <c>/upload</c> (multipart files into a shared
    /// folder) below it. A link works while it has not expired or been revoked, has tokens left (each download, zip
    /// or upload spends one), is used from one of its <c>allow_from</c> networks and its owner's account may log in;
    /// everything happens in the owner's file system with the owner's permissions, quota and events (protocol
    /// <c>HTTP</c>). No middleware is needed besides routing. Requires <c>services.AddSftpShares()</c>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The path of the links. Defaults to <c>/web/client/pubshares</c>.</param>
    /// <returns>The route group of the share endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSftpShares</c> was not called.</exception>
    public static RouteGroupBuilder MapSftpShares(this IEndpointRouteBuilder endpoints, string prefix = "/web/client/pubshares")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<ShareAccess>() is null)
        {
            throw new InvalidOperationException("Call services.AddSftpShares() before MapSftpShares.");
        }
        var group = PublicShareEndpoints.Map(endpoints, prefix);
        endpoints.ServiceProvider.GetRequiredService<ShareService>().LinkPrefix = WebArea.NormalizePrefix(prefix);
        return group;
    }
}
