using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// The cookie sessions of the web areas. Each area registers its own NAMED scheme (the WebAdmin
/// <c>SftpKit.WebAdmin</c> with cookie <c>sftpkit-admin</c>; the WebClient its own scheme and cookie name), separate
/// from the admin API's bearer-token and API-key scheme and from the host's default scheme: a browser's cookie never
/// authenticates an API call, and an API token never opens a page.
/// <para>
/// The cookie is <c>HttpOnly</c>, <c>SameSite=Strict</c>, <c>Secure</c> when the request came over HTTPS (behind a TLS
/// proxy, let <c>UseForwardedHeaders</c> set the scheme), holds a data-protected ticket (ASP.NET Core data protection:
/// persist its keys, or every session ends when the process restarts), and is not persistent (gone when the browser
/// closes). The session ends after <c>sessionTimeout</c> without a request; it slides, renewed by a request made after
/// half of it has passed (ASP.NET Core's sliding expiration). <c>validate</c> runs on every request, so a session of a
/// user deleted or disabled since ends at once.
/// </para>
/// <para>
/// How an area uses it: in its <c>Add...</c> call, <c>WebCookieAuthentication.Add(services, Scheme,
/// sp => (cookieName, timeout), validate)</c>; in its <c>Map...</c> call, <c>new WebArea(prefix, Scheme, title, nav)</c> and
/// <c>WebPipeline.Apply(group, area)</c>, which authenticates that scheme on each request into
/// <c>HttpContext.User</c>; pages that need a user add <c>.RequireSignIn()</c>; the login handler checks the password
/// and calls <see cref="SignInAsync"/>, the logout handler <see cref="SignOutAsync"/>.
/// </para>
/// </summary>
internal static class WebCookieAuthentication
{
    /// <summary>The default session timeout of the areas: 20 minutes.</summary>
    public static readonly TimeSpan DefaultSessionTimeout = TimeSpan.FromMinutes(20);

    /// <summary>Registers the scheme; <paramref name="settings"/> gives the cookie name and session timeout from the area's options.</summary>
    public static void Add(IServiceCollection services, string scheme, Func<IServiceProvider, (string CookieName, TimeSpan SessionTimeout)> settings,
        Func<CookieValidatePrincipalContext, Task>? validate = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.AddAuthentication().AddCookie(scheme, o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.IsEssential = true;
            o.Cookie.Path = "/";
            o.SlidingExpiration = true;
            // The areas redirect to their own login pages (WebAccess); the handler never redirects by itself.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            o.Events.OnRedirectToLogout = c => { c.Response.StatusCode = StatusCodes.Status204NoContent; return Task.CompletedTask; };
            if (validate is not null)
            {
                o.Events.OnValidatePrincipal = validate;
            }
        });
        services.AddOptions<CookieAuthenticationOptions>(scheme).Configure<IServiceProvider>((o, sp) =>
        {
            var (cookieName, timeout) = settings(sp);
            o.Cookie.Name = cookieName;
            o.ExpireTimeSpan = timeout;
        });
    }

    /// <summary>Starts a session: <paramref name="claims"/> become the ticket of <paramref name="scheme"/> (name claim required).</summary>
    public static Task SignInAsync(HttpContext context, string scheme, IEnumerable<Claim> claims)
    {
        ArgumentNullException.ThrowIfNull(context);
        var identity = new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role);
        return context.SignInAsync(scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    /// <summary>Ends the session of <paramref name="scheme"/> (the cookie is deleted).</summary>
    public static Task SignOutAsync(HttpContext context, string scheme) => context.SignOutAsync(scheme);
}
