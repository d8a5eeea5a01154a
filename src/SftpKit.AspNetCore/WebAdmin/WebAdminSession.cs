using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>Present when <c>AddSftpWebAdmin</c> was called.</summary>
internal sealed class WebAdminMarker;

/// <summary>
/// The WebAdmin's cookie session (scheme <see cref="Scheme"/>). On every request the admin is looked up again: a
/// session of an admin deleted, disabled or now outside its allowed networks ends at once, and changed permissions
/// apply at once (the principal is rebuilt from the store).
/// </summary>
internal static class WebAdminSession
{
    public const string Scheme = "SftpKit.WebAdmin";

    public static void Register(IServiceCollection services) =>
        WebCookieAuthentication.Add(services, Scheme, sp =>
        {
            var o = sp.GetRequiredService<IOptions<SftpWebAdminOptions>>().Value;
            return (o.CookieName, o.SessionTimeout);
        }, ValidateAsync);

    /// <summary>The claims of a signed-in admin: name and one claim per permission, as the API's tokens carry.</summary>
    public static IEnumerable<Claim> Claims(SftpAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        yield return new Claim(ClaimTypes.Name, admin.UserName);
        yield return new Claim(ClaimTypes.NameIdentifier, admin.UserName);
        yield return new Claim(SftpAdminPermissions.AuthenticationMethodClaimType, "web");
        foreach (string p in admin.Permissions.Distinct(StringComparer.Ordinal))
        {
            yield return new Claim(SftpAdminPermissions.ClaimType, p);
        }
        if (admin.Role is { Length: > 0 } role)
        {
            yield return new Claim(SftpAdminPermissions.RoleClaimType, role);
        }
    }

    /// <summary>True when <paramref name="user"/> holds <paramref name="permission"/> or every permission.</summary>
    public static bool Has(ClaimsPrincipal user, string permission)
    {
        ArgumentNullException.ThrowIfNull(user);
        return permission.Length == 0 || user.HasClaim(SftpAdminPermissions.ClaimType, permission) || user.HasClaim(SftpAdminPermissions.ClaimType, SftpAdminPermissions.All);
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        string? name = context.Principal?.Identity?.Name;
        var store = context.HttpContext.RequestServices.GetRequiredService<ISftpAdminStore>();
        var (admin, _) = name is null ? (null, "") : await AdminAccess.CheckAsync(store, name, context.HttpContext.Connection.RemoteIpAddress, context.HttpContext.RequestAborted);
        if (admin is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        context.ReplacePrincipal(new ClaimsPrincipal(new ClaimsIdentity(Claims(admin), Scheme, ClaimTypes.Name, ClaimTypes.Role)));
    }
}
