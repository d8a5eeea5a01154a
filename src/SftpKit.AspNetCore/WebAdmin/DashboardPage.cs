using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// The start page: the server's listeners and version (as <c>GET /status</c> and <c>/version</c>, for any admin),
/// and, for admins who may view connections, the connection count and the transfers in flight with their bytes and
/// average speed; the most recent account logins (<c>manage_users</c>; among the store's first 10,000 accounts) and the
/// defender's highest scores, i.e. failed logins by address (<c>view_defender</c>).
/// </summary>
internal static class DashboardPage
{
    /// <summary>How many accounts the recent-logins list looks at (the store's first ones), so the page stays cheap.</summary>
    private const int MaxAccountsScanned = 10_000;

    private const int RecentRows = 10;

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/", async (HttpContext context, IServiceProvider services) =>
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
                var connections = await Endpoints.ConnectionEndpoints.VisibleAsync(registry.GetConnections(), context);
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
            var logins = Html.Empty;
            if (WebAdminSession.Has(context.User, SftpAdminPermissions.ManageUsers) && services.GetService(typeof(SftpKit.Accounts.ISftpUserStore)) is SftpKit.Accounts.ISftpUserStore store)
            {
                var recent = new List<(string User, DateTimeOffset At)>();
                int scanned = 0;
                await foreach (var account in store.ListAsync(context.RequestAborted))
                {
                    if (!Authentication.AdminRoleScope.Sees(context.User, account))
                    {
                        continue;
                    }
                    if (++scanned > MaxAccountsScanned)
                    {
                        break;
                    }
                    if (account.LastLogin is { } at)
                    {
                        recent.Add((account.UserName, at));
                        if (recent.Count > RecentRows * 4)
                        {
                            recent = recent.OrderByDescending(r => r.At).Take(RecentRows).ToList();
                        }
                    }
                }
                var rows = recent.OrderByDescending(r => r.At).Take(RecentRows)
                    .Select(r => Html.Of($"<tr><td data-label=\"User\">{r.User}</td><td data-label=\"Last login\">{WebAdminHtml.Time(r.At)}</td></tr>")).ToList();
                logins = Html.Of($"<section class=\"card\" id=\"recent-logins\"><h2>Recent logins</h2>{(rows.Count == 0 ? Html.Raw("<p class=\"muted\">None yet.</p>") : Html.Of($"<table class=\"responsive\"><thead><tr><th>User</th><th>Last login</th></tr></thead><tbody>{rows}</tbody></table>"))}</section>");
            }
            var failures = Html.Empty;
            if (WebAdminSession.Has(context.User, SftpAdminPermissions.ViewDefender) && services.GetService(typeof(ISftpDefender)) is ISftpDefender defender)
            {
                var hosts = (await defender.GetHostsAsync(context.RequestAborted)).OrderByDescending(h => h.Score).Take(RecentRows)
                    .Select(h => Html.Of($"<tr><td data-label=\"Address\"><code>{h.Address.ToString()}</code></td><td data-label=\"Score\">{h.Score}</td><td data-label=\"Banned\">{(h.IsBanned ? "until " + WebAdminHtml.Time(h.BannedUntil) : "no")}</td></tr>")).ToList();
                failures = Html.Of($"<section class=\"card\"><h2>Failed logins (defender scores)</h2>{(hosts.Count == 0 ? Html.Raw("<p class=\"muted\">None.</p>") : Html.Of($"<table class=\"responsive\"><thead><tr><th>Address</th><th>Score</th><th>Banned</th></tr></thead><tbody>{hosts}</tbody></table>"))}</section>");
            }
            var body = Html.Of($"""
                <h1>Dashboard</h1>
                <div class="grid">{stats}</div>
                <section class="card"><h2>Listeners</h2>{listeners}<p class="muted">SftpKit {WebVersion.Value} on {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}</p></section>
                {transfers}
                <div class="form-grid">{logins}{failures}</div>
                """);
            return WebResults.Page(context, "Dashboard", body);
        }).RequireAdmin(SftpAdminPermissions.Any);
}
