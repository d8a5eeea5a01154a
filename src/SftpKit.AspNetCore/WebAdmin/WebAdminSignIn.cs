using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>login</c> and <c>logout</c>. A sign-in goes through the same gate as the API's <c>POST /token</c>: the
/// per-address rate limit and the defender first (<see cref="AdminLoginGuard"/>), then the admin store's password
/// check (<see cref="AdminPasswordLogin"/>), which logs and scores a failure. Every failure shows the same sentence.
/// </summary>
internal static class WebAdminSignIn
{
    private const int MaxUserNameLength = 256;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/login", async (HttpContext context, ISftpAdminStore store, Microsoft.Extensions.Options.IOptions<SftpWebAdminOptions> options) =>
        {
            if (WebAccess.IsSignedIn(context, WebArea.Of(context)))
            {
                return WebResults.SeeOther(context, "");
            }
            if (await WebAdminSetup.IsOpenAsync(context, store, options.Value))
            {
                return WebResults.SeeOther(context, "setup");
            }
            return Page(context, null, null, StatusCodes.Status200OK);
        });
        group.MapPost("/login", LoginAsync);
        group.MapPost("/login/code", CodeAsync);
        group.MapPost("/logout", async (HttpContext context, AdminServices admin) =>
        {
            string user = context.User.Identity?.Name ?? "";
            await WebCookieAuthentication.SignOutAsync(context, WebAdminSession.Scheme);
            if (user.Length > 0)
            {
                WebLog.SignedOut(admin.Logger, WebAdminPages.Title, user);
            }
            return WebResults.SeeOther(context, "login");
        });
    }

    private static async Task<IResult> LoginAsync(HttpContext context, ISftpAdminStore store, AdminLoginGuard guard, AdminServices admin)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? user = WebForms.Value(form, "username");
        string? password = WebForms.RawValue(form, "password");
        string? returnUrl = WebForms.Value(form, "returnUrl");
        var remote = context.Connection.RemoteIpAddress;
        if (await guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refusal)
        {
            string message = refusal.StatusCode == StatusCodes.Status429TooManyRequests
                ? "Too many sign-in attempts. Wait a little and try again."
                : "Sign-in is not possible from this address right now.";
            if (refusal.RetryAfter is { } after)
            {
                context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return Page(context, user, message, refusal.StatusCode);
        }
        if (user is null || password is null || user.Length > MaxUserNameLength || Encoding.UTF8.GetByteCount(password) > SftpPasswordHasher.MaxPasswordBytes)
        {
            AdminLog.LoginFailed(admin.Logger, remote, "incomplete sign-in form");
            await guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return Page(context, user, "Invalid username or password.", StatusCodes.Status401Unauthorized);
        }
        var credentials = context.RequestServices.GetService<SftpCredentials>();
        var found = await AdminPasswordLogin.VerifyAsync(store, guard, admin.Logger, remote, user, password, context.RequestAborted,
            credentials, SftpAccessTokenScopes.Web);
        if (found is null)
        {
            return Page(context, user, "Invalid username or password.", StatusCodes.Status401Unauthorized);
        }
        if (await AdminPasswordLogin.NeedsCodeAsync(credentials, found, password, context.RequestAborted))
        {
            string ticket = context.RequestServices.GetRequiredService<WebPendingSignIns>().Add(Area, found.UserName, found.UserName);
            return WebSignInCode.Page(context, CodeAction(context), ticket, returnUrl, null, StatusCodes.Status200OK);
        }
        return await CompleteAsync(context, found, admin, remote, returnUrl);
    }

    private const string Area = "webadmin";

    private static string CodeAction(HttpContext context) => context.Request.PathBase + WebArea.Of(context).Url("login/code");

    private static async Task<IResult> CompleteAsync(HttpContext context, SftpAdmin found, AdminServices admin, System.Net.IPAddress? remote, string? returnUrl)
    {
        await WebCookieAuthentication.SignInAsync(context, WebAdminSession.Scheme, WebAdminSession.Claims(found));
        WebLog.SignedIn(admin.Logger, WebAdminPages.Title, found.UserName, remote);
        return Results.Redirect(WebAccess.LocalReturnUrl(WebArea.Of(context), returnUrl, context.Request.PathBase));
    }

    /// <summary>
    /// The code of a sign-in whose password was right: through the same gate (rate limit, defender); a wrong code is
    /// scored, and after <see cref="WebPendingSignIns.MaxAttempts"/> the sign-in starts over. The admin is checked again
    /// (enabled, networks) before the session opens.
    /// </summary>
    private static async Task<IResult> CodeAsync(HttpContext context, ISftpAdminStore store, AdminLoginGuard guard, AdminServices admin,
        WebPendingSignIns pending, SftpCredentials credentials)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? ticket = WebForms.Value(form, "ticket");
        string? code = WebForms.Value(form, "code");
        string? returnUrl = WebForms.Value(form, "returnUrl");
        var remote = context.Connection.RemoteIpAddress;
        if (await guard.AdmitAsync(remote, countAttempt: true, context.RequestAborted) is { } refusal)
        {
            return Page(context, null, "Too many sign-in attempts. Wait a little and try again.", refusal.StatusCode);
        }
        if (pending.Find(ticket, Area) is not { } waiting)
        {
            return Page(context, null, "The sign-in has expired; sign in again.", StatusCodes.Status401Unauthorized);
        }
        if (code is null || code.Length > WebSignInCode.MaxCodeLength
            || !await credentials.VerifyCodeAsync(SftpCredentialOwner.Admin(waiting.UserName), code, context.RequestAborted))
        {
            AdminLog.LoginFailed(admin.Logger, remote, "wrong or reused one-time code");
            await guard.FailedAsync(remote, SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            return pending.Failed(ticket!)
                ? WebSignInCode.Page(context, CodeAction(context), ticket!, returnUrl, "Invalid authentication code.", StatusCodes.Status401Unauthorized)
                : Page(context, waiting.UserName, "Invalid authentication code; sign in again.", StatusCodes.Status401Unauthorized);
        }
        pending.Remove(ticket!);
        var (allowed, reason) = await AdminAccess.CheckAsync(store, waiting.UserName, remote, context.RequestAborted);
        if (allowed is null)
        {
            AdminLog.LoginFailed(admin.Logger, remote, reason);
            return Page(context, waiting.UserName, "Invalid username or password.", StatusCodes.Status401Unauthorized);
        }
        return await CompleteAsync(context, allowed, admin, remote, returnUrl);
    }

    private static IResult Page(HttpContext context, string? user, string? error, int status)
    {
        string? returnUrl = context.Request.HasFormContentType ? null : context.Request.Query["returnUrl"].ToString();
        if (context.Request.HasFormContentType && context.Request.Form.TryGetValue("returnUrl", out var posted))
        {
            returnUrl = posted.ToString();
        }
        var area = WebArea.Of(context);
        var body = Html.Of($"""
            <section class="card narrow">
            <h1>Sign in</h1>
            {Html.If(error is not null, Html.Of($"<p class=\"alert error\" role=\"alert\" id=\"login-error\">{error}</p>"))}
            {WebForms.PostForm(context, context.Request.PathBase + area.Url("login"), Html.Of($"""
                <input type="hidden" name="returnUrl" value="{returnUrl ?? ""}">
                <label for="username">Username</label>
                <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="{user ?? ""}" autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                <p><button type="submit" id="sign-in">Sign in</button></p>
                """))}
            </section>
            """);
        return WebResults.Page(context, "Sign in", body, status);
    }
}
