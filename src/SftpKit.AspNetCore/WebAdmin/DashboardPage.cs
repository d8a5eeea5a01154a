using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// The start page: the server's listeners and version (as <c>GET /status</c> and <c>/version</c>, for any admin),
/// and, for admins who may view connections, the connection count and the transfers in flight with their bytes and
/// average speed.
/// </summary>
internal static class DashboardPage
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/", (HttpContext context, IServiceProvider services) =>
        {
            var server = services.GetService(typeof(ISftpServer)) as ISftpServer;
            var registry = services.GetService(typeof(ISftpConnectionRegistry)) as ISftpConnectionRegistry;
            var endpoints = server?.EndPoints.Select(e => e.ToString() ?? "").ToList() ?? [];
            var listeners = endpoints.Count == 0
                ? Html.Of($"<p class=\"alert error\">The SFTP server is not listening.</p>")
                : Html.Of($"<ul>{endpoints.Select(e => Html.Of($"<li><code>{e}</code></li>"))}</ul>");
            var stats = Html.Of($"""
                <div class="card"><div class="muted">Status</div><div class="stat" id="server-status">{(endpoints.Count > 0 ? "Running" : "Stopped")}</div></div>
                <div class="card"><div class="muted">Connections</div><div class="stat" id="connection-count">{server?.ConnectionCount ?? 0}</div></div>
                """);
            var transfers = Html.Empty;
            if (registry is not null && WebAdminSession.Has(context.User, SftpAdminPermissions.ViewConnections))
            {
                var connections = registry.GetConnections();
                int sessions = connections.Count(c => c.UserName is not null);
                stats = Html.Of($"{stats}<div class=\"card\"><div class=\"muted\">Signed-in sessions</div><div class=\"stat\" id=\"session-count\">{sessions}</div></div>");
                var now = DateTimeOffset.UtcNow;
                var rows = connections.SelectMany(c => c.ActiveTransfers.Select(t =>
                {
                    double seconds = Math.Max(0.001, (now - t.StartedAt).TotalSeconds);
                    return Html.Of($"<tr><td data-label=\"User\">{c.UserName}</td><td data-label=\"Direction\">{(t.Direction == SftpTransferDirection.Upload ? "upload" : "download")}</td><td data-label=\"Path\"><code>{t.Path}</code></td><td data-label=\"Transferred\">{WebAdminHtml.Bytes(t.Bytes)}</td><td data-label=\"Speed\">{WebAdminHtml.Bytes((long)(t.Bytes / seconds))}/s</td><td data-label=\"Since\">{WebAdminHtml.Time(t.StartedAt)}</td></tr>");
                })).ToList();
                transfers = rows.Count == 0
                    ? Html.Of($"<h2>Transfers in flight</h2><p class=\"muted\">None.</p>")
                    : Html.Of($"<h2>Transfers in flight</h2><div class=\"table-wrap\"><table class=\"responsive\"><thead><tr><th>User</th><th>Direction</th><th>Path</th><th>Transferred</th><th>Speed</th><th>Since</th></tr></thead><tbody>{rows}</tbody></table></div>");
            }
            var body = Html.Of($"""
                <h1>Dashboard</h1>
                <div class="grid">{stats}</div>
                <section class="card"><h2>Listeners</h2>{listeners}<p class="muted">SftpKit {WebVersion.Value} on {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}</p></section>
                {transfers}
                """);
            return WebResults.Page(context, "Dashboard", body);
        }).RequireAdmin(SftpAdminPermissions.Any);
}
