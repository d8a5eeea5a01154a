using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;
using SftpKit.AspNetCore.Web;
using SftpKit.Events;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>setup</c>: the one-time page that creates the first admin (every permission) while the admin store holds none,
/// open only to loopback clients (and not to requests a local reverse proxy forwarded) and only while <see cref="SftpWebAdminOptions.AllowFirstAdminSetup"/>. Anyone else,
/// and everyone once an admin exists, gets 404. Two setups posted at once create one admin (a process-wide lock and
/// a second look at the store).
/// </summary>
internal static class WebAdminSetup
{
    private static readonly SemaphoreSlim s_lock = new(1, 1);

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/setup", async (HttpContext context, ISftpAdminStore store, IOptions<SftpWebAdminOptions> options) =>
            await IsOpenAsync(context, store, options.Value) ? Page(context, "admin", null) : WebResults.Error(context, StatusCodes.Status404NotFound));
        group.MapPost("/setup", CreateAsync);
    }

    /// <summary>True when the setup page may be shown to this request.</summary>
    public static async ValueTask<bool> IsOpenAsync(HttpContext context, ISftpAdminStore store, SftpWebAdminOptions options)
    {
        if (!options.AllowFirstAdminSetup || context.Connection.RemoteIpAddress is not { } remote)
        {
            return false;
        }
        if (!IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
        {
            return false;
        }
        // A reverse proxy on the same machine connects from loopback for everyone: a request it forwarded (and that
        // UseForwardedHeaders did not resolve to the real client) is not a local one.
        var headers = context.Request.Headers;
        if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Real-IP"))
        {
            return false;
        }
        await foreach (var _ in store.ListAsync(context.RequestAborted))
        {
            return false;
        }
        return true;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ISftpAdminStore store, IOptions<SftpWebAdminOptions> options, AdminServices services)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string user = WebForms.Value(form, "username") ?? "";
        string? password = WebForms.RawValue(form, "password");
        await s_lock.WaitAsync(context.RequestAborted);
        try
        {
            if (!await IsOpenAsync(context, store, options.Value))
            {
                return WebResults.Error(context, StatusCodes.Status404NotFound);
            }
            var errors = new ValidationErrors();
            var admin = AdminAccountEndpoints.ReadAdmin(new JsonObject
            {
                ["userName"] = user,
                ["password"] = password,
                ["permissions"] = new JsonArray(SftpAdminPermissions.All),
                ["description"] = "created on the setup page",
            }, errors, out string? checkedPassword, out _);
            if (checkedPassword is null)
            {
                errors.Add("password", "A password is required.");
            }
            else if (checkedPassword.Length < 8)
            {
                errors.Add("password", "Use at least 8 characters.");
            }
            if (checkedPassword != WebForms.RawValue(form, "confirm"))
            {
                errors.Add("confirm", "The passwords differ.");
            }
            if (admin is null || !errors.IsEmpty)
            {
                return Page(context, user, errors, StatusCodes.Status400BadRequest);
            }
            admin.PasswordHash = SftpPasswordHasher.Hash(checkedPassword!);
            await store.CreateAsync(admin, context.RequestAborted);
            AdminLog.AdminCreated(services.Logger, "setup page", admin.UserName);
            ProviderChanges.Added(context, SftpProviderEvents.Admin, admin.UserName);
            await WebCookieAuthentication.SignInAsync(context, WebAdminSession.Scheme, WebAdminSession.Claims(admin));
            return WebResults.SeeOther(context, "");
        }
        finally
        {
            s_lock.Release();
        }
    }

    private static IResult Page(HttpContext context, string user, ValidationErrors? errors, int status = StatusCodes.Status200OK)
    {
        var area = WebArea.Of(context);
        var body = Html.Of($"""
            <section class="card narrow">
            <h1>Create the first admin</h1>
            <p class="muted">No admin exists yet. This page is shown once, to this computer only; the admin you create gets every permission.</p>
            {WebAdminHtml.Errors(errors)}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("setup"), Html.Of($"""
                <label for="username">Username</label>
                <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" required maxlength="256" value="{user}">
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="new-password" required minlength="8">
                <label for="confirm">Repeat the password</label>
                <input type="password" id="confirm" name="confirm" autocomplete="new-password" required minlength="8">
                <p><button type="submit" id="create-admin">Create admin and sign in</button></p>
                """))}
            </section>
            """);
        return WebResults.Page(context, "First start", body, status);
    }
}
