using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>The SFTP server's state.</summary>
internal sealed record StatusResponse(bool Running, IReadOnlyList<string> EndPoints, int Connections, int AuthenticatedSessions, string Version);

/// <summary>Versions of the library and runtime.</summary>
internal sealed record VersionResponse(string Version, string? InformationalVersion, string Framework, string OperatingSystem);

/// <summary><c>/status</c> and <c>/version</c>.</summary>
internal static class StatusEndpoints
{
    public static void Map(RouteGroupBuilder group, Action<RouteHandlerBuilder, string> secure)
    {
        var status = group.MapGroup("/").WithTags("Status");
        secure(status.MapGet("/status", (IServiceProvider services) =>
            {
                var server = services.GetService(typeof(ISftpServer)) as ISftpServer;
                var registry = services.GetService(typeof(ISftpConnectionRegistry)) as ISftpConnectionRegistry;
                var endpoints = server?.EndPoints.Select(e => e.ToString() ?? "").ToList() ?? [];
                int sessions = registry?.GetConnections().Count(c => c.UserName is not null) ?? 0;
                return Results.Json(new StatusResponse(endpoints.Count > 0, endpoints, server?.ConnectionCount ?? 0, sessions, LibraryVersion()), AdminJson.Options);
            })
            .WithName("GetStatus").WithSummary("Whether the SFTP server listens, where, and how many connections it has.").Produces<StatusResponse>(), SftpAdminPermissions.Any);
        secure(status.MapGet("/version", () => Results.Json(new VersionResponse(LibraryVersion(),
                typeof(ISftpServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription), AdminJson.Options))
            .WithName("GetVersion").WithSummary("SftpKit and runtime versions.").Produces<VersionResponse>(), SftpAdminPermissions.Any);
    }

    private static string LibraryVersion() => typeof(ISftpServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
