using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Web;
using SftpKit.AspNetCore.WebAdmin;

namespace SftpKit.AspNetCore.Shares.Pages;

/// <summary>
/// The WebAdmin's shares page (<c>shares</c>, permission <c>manage_users</c>, as <c>GET /shares</c>): every account's
/// share links with owner, scope, paths, expiry, password and token use, filtered by owner (<c>?username=</c>), at
/// most <see cref="MaxRows"/> rows; each with a revoke button (as <c>DELETE /shares/{id}</c>).
/// </summary>
internal static class AdminSharesPage
{
    /// <summary>Most shares listed at once: 1000 (filter by owner to see others).</summary>
    public const int MaxRows = 1000;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/shares", PageAsync).RequireAdmin(SftpAdminPermissions.ManageUsers);
        group.MapPost("/shares/{id}/revoke", async (string id, HttpContext context, ISftpShareStore store, AdminServices admin) =>
            await ShareEndpoints.RevokeAsync(store, id, context, admin)
                ? WebResults.SeeOther(context, "shares?done=revoked")
                : WebResults.Error(context, StatusCodes.Status404NotFound)).RequireAdmin(SftpAdminPermissions.ManageUsers);
    }

    private static async Task<IResult> PageAsync(HttpContext context, ISftpShareStore store, string? username, string? done)
    {
        var area = WebArea.Of(context);
        var links = context.RequestServices.GetService<ShareService>();
        var rows = new List<Html>();
        bool more = false;
        var seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        await foreach (var share in store.ListAsync(string.IsNullOrWhiteSpace(username) ? null : username.Trim(), context.RequestAborted))
        {
            if (!seen.TryGetValue(share.UserName, out bool visible))
            {
                visible = await Authentication.AdminRoleScope.SeesAccountAsync(context, share.UserName);
                seen[share.UserName] = visible;
            }
            if (!visible)
            {
                continue;
            }
            if (rows.Count >= MaxRows)
            {
                more = true;
                break;
            }
            string revoke = context.Request.PathBase + area.Url("shares/" + Uri.EscapeDataString(share.Id) + "/revoke");
            string? link = links?.GetLinkPath(share) is { } path ? context.Request.PathBase + path : null;
            string scope = share.Scope switch { SftpShareScope.Write => "upload only", SftpShareScope.ReadWrite => "read and upload", _ => "read" };
            string tokens = share.MaxTokens > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{share.UsedTokens} of {share.MaxTokens}")
                : share.UsedTokens.ToString(CultureInfo.InvariantCulture);
            var state = share.IsExpired(DateTimeOffset.UtcNow) ? Html.Raw("<span class=\"badge off\">expired</span>")
                : share.IsExhausted ? Html.Raw("<span class=\"badge off\">used up</span>")
                : Html.Raw("<span class=\"badge ok\">active</span>");
            var name = link is null ? Html.Text(share.Name) : Html.Of($"<a href=\"{link}\">{share.Name}</a>");
            rows.Add(Html.Of($"""
                <tr data-share="{share.Id}"><td data-label="Name">{name}</td><td data-label="Owner">{share.UserName}</td><td data-label="Scope">{scope}</td>
                <td data-label="Paths">{share.Paths.Select(p => Html.Of($"<code>{p}</code> "))}</td><td data-label="Expires">{WebAdminHtml.Time(share.ExpiresAt)}</td>
                <td data-label="Password">{(share.PasswordHash is null ? "no" : "yes")}</td><td data-label="Uses">{tokens}</td><td data-label="Last use">{WebAdminHtml.Time(share.LastUseAt)}</td>
                <td data-label="State">{state}</td>
                <td data-label="">{WebForms.Button(context, revoke, "Revoke", "Revoke this link? It stops working at once.", "button danger small")}</td></tr>
                """));
        }
        string action = context.Request.PathBase + area.Url("shares");
        var table = rows.Count == 0
            ? Html.Raw("<p class=\"muted\" id=\"no-shares\">No shares.</p>")
            : Html.Of($"""
                <div class="table-wrap"><table class="responsive" id="shares"><thead><tr><th>Name</th><th>Owner</th><th>Scope</th><th>Paths</th><th>Expires</th><th>Password</th><th>Uses</th><th>Last use</th><th>State</th><th></th></tr></thead>
                <tbody>{rows}</tbody></table></div>
                """);
        var body = Html.Of($"""
            <h1>Shares</h1>
            {WebAdminHtml.Notice(done == "revoked" ? "The share was revoked." : null)}
            <form method="get" action="{action}" class="toolbar"><label>Owner <input type="search" name="username" value="{username ?? ""}"></label><button type="submit" class="secondary">Filter</button></form>
            {table}
            {Html.If(more, Html.Of($"<p class=\"muted\">Only the first {MaxRows.ToString(CultureInfo.InvariantCulture)} are shown; filter by owner.</p>"))}
            """);
        return WebResults.Page(context, "Shares", body);
    }
}
