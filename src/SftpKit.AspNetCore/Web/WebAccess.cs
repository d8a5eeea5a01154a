using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>Who may open a page of a web area.</summary>
internal static class WebAccess
{
    /// <summary>
    /// The endpoints need a user signed in with the area's cookie scheme: without one a GET is redirected to the
    /// area's <c>login</c> page (with a <c>returnUrl</c> back to it) and any other method to the login page; a user for
    /// whom <paramref name="allowed"/> is false gets a 403 page.
    /// </summary>
    public static TBuilder RequireSignIn<TBuilder>(this TBuilder builder, Func<ClaimsPrincipal, bool>? allowed = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            var area = WebArea.Of(context);
            if (!IsSignedIn(context, area))
            {
                string login = context.Request.PathBase + area.Url("login");
                if (HttpMethods.IsGet(context.Request.Method))
                {
                    login += "?returnUrl=" + Uri.EscapeDataString(context.Request.PathBase + context.Request.Path + context.Request.QueryString);
                }
                return Results.Redirect(login);
            }
            if (allowed is not null && !allowed(context.User))
            {
                return WebResults.Error(context, StatusCodes.Status403Forbidden);
            }
            return await next(invocation);
        });
        return builder;
    }

    /// <summary>True when the request's user signed in with the area's scheme.</summary>
    public static bool IsSignedIn(HttpContext context, WebArea area) =>
        area.Scheme is not null && context.User.Identity is { IsAuthenticated: true } identity
        && string.Equals(identity.AuthenticationType, area.Scheme, StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a path inside the area (so a sign-in cannot be turned into a redirect
    /// to another site), else the area's start page.
    /// </summary>
    public static string LocalReturnUrl(WebArea area, string? returnUrl, PathString pathBase)
    {
        string root = pathBase + area.Prefix + "/";
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048 || !returnUrl.StartsWith(root, StringComparison.Ordinal)
            || returnUrl.Contains("//", StringComparison.Ordinal) || returnUrl.Contains('\\', StringComparison.Ordinal)
            || returnUrl.Any(char.IsControl))
        {
            return pathBase + area.Url("");
        }
        return returnUrl;
    }
}
