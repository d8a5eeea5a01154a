using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Quotas;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>quotascans</c>: running and recent quota scans, as <c>GET /quotas/scans</c> lists them (permission
/// <c>quota_scans</c>). A scan is started from the account's page.
/// </summary>
internal static class QuotaScansPage
{
    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/quotascans", async (HttpContext context, QuotaScanQueue scans) =>
        {
            var area = WebArea.Of(context);
            var visible = new List<SftpQuotaScanStatus>();
            foreach (var scan in scans.List())
            {
                if (await Authentication.AdminRoleScope.SeesAccountAsync(context, scan.UserName))
                {
                    visible.Add(scan);
                }
            }
            var rows = visible.AsEnumerable().Reverse().Select(s => Html.Of($"""
                <tr data-scan="{s.UserName}" data-state="{s.State.ToString()}">
                <td data-label="Account"><a href="{context.Request.PathBase + area.Url("accounts/" + Uri.EscapeDataString(s.UserName))}">{s.UserName}</a></td>
                <td data-label="State"><span class="badge{(s.State == SftpQuotaScanState.Failed ? " off" : s.State == SftpQuotaScanState.Completed ? " ok" : "")}">{s.State.ToString().ToLowerInvariant()}</span></td>
                <td data-label="Started">{WebAdminHtml.Time(s.StartedAt)}</td>
                <td data-label="Ended">{WebAdminHtml.Time(s.CompletedAt)}</td>
                <td data-label="Found">{(s.UsedSize is { } size ? WebAdminHtml.Bytes(size) + ", " + (s.UsedFiles ?? 0).ToString(CultureInfo.InvariantCulture) + " files" : s.Error ?? "—")}</td>
                </tr>
                """)).ToList();
            var body = Html.Of($"""
                <h1>Quota scans</h1>
                <p class="hint">Start a scan from an account's page (Rescan the storage).</p>
                <div class="table-wrap"><table class="responsive" id="scans"><thead><tr><th>Account</th><th>State</th><th>Started</th><th>Ended</th><th>Found</th></tr></thead><tbody>{rows}</tbody></table></div>
                {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No quota scans since the server started.</p>"))}
                """);
            return WebResults.Page(context, "Quota scans", body);
        }).RequireAdmin(SftpAdminPermissions.QuotaScans);
}
