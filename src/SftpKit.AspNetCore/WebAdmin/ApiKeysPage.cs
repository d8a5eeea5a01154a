using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>apikeys</c>: list, create (the key is shown once, on the answer to the form, never again) and revoke;
/// permission <c>manage_admins</c>, checks and storage shared with <c>/apikeys</c>.
/// </summary>
internal static class ApiKeysPage
{
    public static void Map(RouteGroupBuilder group)
    {
        var keys = group.MapGroup("/apikeys").RequireAdmin(SftpAdminPermissions.ManageAdmins);
        keys.MapGet("/", (HttpContext context, ISftpAdminStore store) => PageAsync(context, store, null, null));
        keys.MapPost("/", async (HttpContext context, ISftpAdminStore store, SftpAdminTokens tokens, IOptions<SftpAdminAuthenticationOptions> options, AdminServices services) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var errors = new ValidationErrors();
            DateTimeOffset? expires = null;
            if (WebForms.Value(form, "expiresAt") is { } text)
            {
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    expires = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                }
                else
                {
                    errors.Add("expiresAt", "Enter a date (YYYY-MM-DD).");
                }
            }
            if (!errors.IsEmpty)
            {
                return await PageAsync(context, store, errors, null);
            }
            var request = new ApiKeyRequest(WebForms.Value(form, "name"), WebForms.Value(form, "admin"), expires, WebForms.Value(form, "description"));
            var (created, keyErrors) = await AdminAccountEndpoints.CreateApiKeyCoreAsync(request, context, store, tokens, options.Value, services);
            return created is null ? await PageAsync(context, store, keyErrors, null) : await PageAsync(context, store, null, created.Value.Id + "." + created.Value.Secret);
        });
        keys.MapPost("/{id}/delete", async (string id, HttpContext context, ISftpAdminStore store, AdminServices services) =>
            await AdminAccountEndpoints.DeleteApiKeyCoreAsync(id, context, store, services)
                ? WebResults.SeeOther(context, "apikeys?done=revoked")
                : WebResults.Error(context, StatusCodes.Status404NotFound));
    }

    private static async Task<IResult> PageAsync(HttpContext context, ISftpAdminStore store, ValidationErrors? errors, string? newKey)
    {
        var area = WebArea.Of(context);
        var rows = new List<Html>();
        await foreach (var k in store.ListApiKeysAsync(context.RequestAborted))
        {
            if (!await AdminAccountEndpoints.KeyVisibleAsync(k, context, store))
            {
                continue;
            }
            string revoke = context.Request.PathBase + area.Url("apikeys/" + Uri.EscapeDataString(k.Id) + "/delete");
            rows.Add(Html.Of($"""
                <tr data-key="{k.Id}"><td data-label="Name">{k.Name}</td><td data-label="Id"><code>{k.Id}</code></td><td data-label="Admin">{k.Admin ?? "(unbound)"}</td>
                <td data-label="Created">{WebAdminHtml.Time(k.CreatedAt)}</td><td data-label="Expires">{WebAdminHtml.Time(k.ExpiresAt)}</td>
                <td data-label="">{WebForms.Button(context, revoke, "Revoke", $"Revoke the API key {k.Name}?", "button danger small")}</td></tr>
                """));
        }
        var admins = new List<string>();
        await foreach (var a in store.ListAsync(context.RequestAborted))
        {
            if (!Authentication.AdminRoleScope.Sees(context.User, a))
            {
                continue;
            }
            admins.Add(a.UserName);
        }
        var options = Html.Join(admins.Select(a => Html.Of($"<option value=\"{a}\">{a}</option>")));
        var shown = newKey is null ? Html.Empty : Html.Of($"""
            <section class="card" id="new-key"><h2>New API key</h2>
            <p>Copy it now: it is shown only this once. Send it in the API key header (<code>X-SFTPKIT-API-KEY</code> unless configured otherwise).</p>
            <code class="secret" id="api-key">{newKey}</code></section>
            """);
        string? done = context.Request.Query["done"].ToString() == "revoked" ? "The API key was revoked." : null;
        var body = Html.Of($"""
            <h1>API keys</h1>
            {WebAdminHtml.Notice(done)}
            {shown}
            <section class="card"><h2>Create a key</h2>
            {WebAdminHtml.Errors(errors)}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("apikeys"), Html.Of($"""
                <div class="form-grid">
                <div><label for="name">Name</label><input type="text" id="name" name="name" required maxlength="256"></div>
                <div><label for="admin">Acts as admin</label><select id="admin" name="admin"><option value="">(unbound: the caller appends .ADMIN to the key)</option>{options}</select></div>
                <div><label for="expiresAt">Expires on (UTC)</label><input type="date" id="expiresAt" name="expiresAt"></div>
                <div><label for="description">Description</label><input type="text" id="description" name="description"></div>
                </div>
                <p><button type="submit" id="create-key">Create key</button></p>
                """))}
            </section>
            <div class="table-wrap"><table class="responsive" id="keys"><thead><tr><th>Name</th><th>Id</th><th>Admin</th><th>Created</th><th>Expires</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>
            """);
        return WebResults.Page(context, "API keys", body, errors is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
