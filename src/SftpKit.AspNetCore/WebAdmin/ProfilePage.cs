using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>
/// <c>profile</c>: the signed-in admin's own two-factor authentication (asked at every admin sign-in, WebAdmin and
/// <c>POST /token</c>, once on) and personal access tokens (scopes web and api), for any admin.
/// </summary>
internal static class ProfilePage
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/profile", (Func<HttpContext, Task<IResult>>)(context => WebCredentialPages.ShowAsync(Page(context), Html.Empty, null, null, StatusCodes.Status200OK)))
            .RequireAdmin(SftpAdminPermissions.Any);
        group.MapPost("/profile/{action}", (string action, HttpContext context) => WebCredentialPages.HandleAsync(Page(context), action))
            .RequireAdmin(SftpAdminPermissions.Any);
    }

    private static WebCredentialPage Page(HttpContext context)
    {
        var area = WebArea.Of(context);
        return new WebCredentialPage(context, SftpCredentialOwner.Admin(context.User.Identity?.Name ?? ""),
            action => context.Request.PathBase + area.Url(action is null ? "profile" : "profile/" + action),
            SftpAccessTokenScopes.Web | SftpAccessTokenScopes.Api, ChooseProtocols: false);
    }
}
