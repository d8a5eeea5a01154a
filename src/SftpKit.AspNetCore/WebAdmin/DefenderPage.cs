using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>defender</c>: hosts with a score or a ban (permission <c>view_defender</c>), ban and unban (<c>manage_defender</c>),
/// through the same code as <c>/defender/hosts</c>.
/// </summary>
internal static class DefenderPage
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/defender", (HttpContext context, IServiceProvider services) => PageAsync(context, services, null))
            .RequireAdmin(SftpAdminPermissions.ViewDefender);
        group.MapPost("/defender/ban", async (HttpContext context, IServiceProvider services, AdminServices admin) =>
        {
            if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
            {
                return WebResults.Error(context, StatusCodes.Status404NotFound);
            }
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var errors = new ValidationErrors();
            if (!DefenderEndpoints.TryParseAddress(WebForms.Value(form, "address"), out var ip))
            {
                errors.Add("address", "Must be an IPv4 or IPv6 address.");
            }
            if (!long.TryParse(WebForms.Value(form, "minutes"), NumberStyles.None, CultureInfo.InvariantCulture, out long minutes)
                || minutes < 1 || minutes > DefenderEndpoints.MaxBanMinutes)
            {
                errors.Add("minutes", $"Must be an integer from 1 to {DefenderEndpoints.MaxBanMinutes}.");
            }
            if (!errors.IsEmpty || ip is null)
            {
                return await PageAsync(context, services, errors);
            }
            await DefenderEndpoints.BanHostAsync(defender, ip, TimeSpan.FromMinutes(minutes), context, admin);
            return WebResults.SeeOther(context, "defender?done=banned");
        }).RequireAdmin(SftpAdminPermissions.ManageDefender);
        group.MapPost("/defender/{address}/unban", async (string address, HttpContext context, IServiceProvider services, AdminServices admin) =>
        {
            if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender || !DefenderEndpoints.TryParseAddress(address, out var ip)
                || !await DefenderEndpoints.UnbanHostAsync(defender, ip, context, admin))
            {
                return WebResults.Error(context, StatusCodes.Status404NotFound);
            }
            return WebResults.SeeOther(context, "defender?done=unbanned");
        }).RequireAdmin(SftpAdminPermissions.ManageDefender);
    }

    private static async Task<IResult> PageAsync(HttpContext context, IServiceProvider services, ValidationErrors? errors)
    {
        var area = WebArea.Of(context);
        if (services.GetService(typeof(ISftpDefender)) is not ISftpDefender defender)
        {
            return WebResults.Page(context, "Defender", Html.Of($"<h1>Defender</h1><p class=\"muted\">The server runs without a defender.</p>"));
        }
        bool manage = WebAdminSession.Has(context.User, SftpAdminPermissions.ManageDefender);
        var hosts = await defender.GetHostsAsync(context.RequestAborted);
        var rows = hosts.Select(DefenderHostResponse.From).Select(h =>
        {
            string unban = context.Request.PathBase + area.Url("defender/" + Uri.EscapeDataString(h.Address) + "/unban");
            return Html.Of($"""
                <tr data-host="{h.Address}"><td data-label="Address"><code>{h.Address}</code></td><td data-label="Score">{h.Score}</td>
                <td data-label="Banned">{(h.Banned ? Html.Of($"<span class=\"badge off\">until {WebAdminHtml.Time(h.BannedUntil)}</span>") : Html.Raw("no"))}</td>
                <td data-label="">{Html.If(manage, WebForms.Button(context, unban, h.Banned ? "Unban" : "Forget", null, "button secondary small"))}</td></tr>
                """);
        }).ToList();
        string? done = context.Request.Query["done"].ToString() switch
        {
            "banned" => "The host was banned.",
            "unbanned" => "The host's ban and score were removed.",
            _ => null,
        };
        var banForm = !manage ? Html.Empty : Html.Of($"""
            <section class="card"><h2>Ban a host</h2>
            {WebAdminHtml.Errors(errors)}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("defender/ban"), Html.Of($"""
                <div class="form-grid">
                <div><label for="address">Address</label><input type="text" id="address" name="address" required maxlength="64" placeholder="192.0.2.7"></div>
                <div><label for="minutes">Minutes</label><input type="number" id="minutes" name="minutes" min="1" max="{DefenderEndpoints.MaxBanMinutes}" value="60" required></div>
                </div>
                <p><button type="submit" id="ban">Ban</button></p>
                """))}
            </section>
            """);
        var body = Html.Of($"""
            <h1>Defender</h1>
            {WebAdminHtml.Notice(done)}
            {banForm}
            <div class="table-wrap"><table class="responsive" id="hosts"><thead><tr><th>Address</th><th>Score</th><th>Banned</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>
            {Html.If(rows.Count == 0, Html.Raw("<p class=\"muted\">No host has a score or a ban.</p>"))}
            """);
        return WebResults.Page(context, "Defender", body, errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
