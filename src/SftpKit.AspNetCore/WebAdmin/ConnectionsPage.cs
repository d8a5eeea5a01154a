using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>connections</c>: the live connections (permission <c>view_connections</c>, like <c>GET /connections</c>) with
/// their transfers, and a close button for admins with <c>close_connections</c> (the same close as
/// <c>DELETE /connections/{id}</c>: disconnect, wait up to 10 s).
/// </summary>
internal static class ConnectionsPage
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/connections", async (HttpContext context, IServiceProvider services) =>
        {
            if (services.GetService(typeof(ISftpConnectionRegistry)) is not ISftpConnectionRegistry registry)
            {
                return WebResults.Error(context, StatusCodes.Status500InternalServerError);
            }
            bool canClose = WebAdminSession.Has(context.User, SftpAdminPermissions.CloseConnections);
            var area = WebArea.Of(context);
            var rows = (await ConnectionEndpoints.VisibleAsync(registry.GetConnections(), context)).Select(c =>
            {
                var r = ConnectionResponse.From(c);
                var transfers = Html.Join(r.ActiveTransfers.Select(t => Html.Of($"<div>{t.Direction} <code>{t.Path}</code> {WebAdminHtml.Bytes(t.Bytes)}</div>")));
                string close = context.Request.PathBase + area.Url("connections/" + Uri.EscapeDataString(r.Id) + "/close");
                return Html.Of($"""
                    <tr data-connection="{r.Id}" data-user="{r.UserName ?? ""}">
                    <td data-label="User">{r.UserName ?? "(not signed in)"}</td>
                    <td data-label="From"><code>{r.RemoteAddress ?? ""}{(r.RemotePort is { } port ? ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}</code></td>
                    <td data-label="Client">{r.ClientVersion ?? ""}</td>
                    <td data-label="Since">{WebAdminHtml.Time(r.StartedAt)}</td>
                    <td data-label="Up / down">{WebAdminHtml.Bytes(r.BytesUploaded)} / {WebAdminHtml.Bytes(r.BytesDownloaded)}</td>
                    <td data-label="Transfers">{transfers}</td>
                    <td data-label="">{Html.If(canClose, WebForms.Button(context, close, "Close", "Close this connection?", "button danger small"))}</td>
                    </tr>
                    """);
            }).ToList();
            string? done = context.Request.Query["done"].ToString() switch
            {
                "closed" => "The connection was closed.",
                "closing" => "The connection is closing.",
                _ => null,
            };
            var body = Html.Of($"""
                <h1>Connections</h1>
                {WebAdminHtml.Notice(done)}
                <p class="muted"><span id="connection-total">{rows.Count}</span> live connection(s). <a href="{context.Request.PathBase + area.Url("connections")}">Refresh</a></p>
                <div class="table-wrap"><table class="responsive" id="connections">
                <thead><tr><th>User</th><th>From</th><th>Client</th><th>Since</th><th>Up / down</th><th>Transfers</th><th></th></tr></thead>
                <tbody>{rows}</tbody></table></div>
                """);
            return WebResults.Page(context, "Connections", body);
        }).RequireAdmin(SftpAdminPermissions.ViewConnections);

        group.MapPost("/connections/{connectionId}/close", async (string connectionId, HttpContext context, IServiceProvider services, AdminServices admin) =>
        {
            if (services.GetService(typeof(ISftpConnectionRegistry)) is not ISftpConnectionRegistry registry)
            {
                return WebResults.Error(context, StatusCodes.Status500InternalServerError);
            }
            return await ConnectionEndpoints.CloseConnectionAsync(registry, connectionId, context, admin) switch
            {
                true => WebResults.SeeOther(context, "connections?done=closed"),
                null => WebResults.SeeOther(context, "connections?done=closing"),
                false => WebResults.Error(context, StatusCodes.Status404NotFound),
            };
        }).RequireAdmin(SftpAdminPermissions.CloseConnections);
    }
}
