using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// What every endpoint of a web area goes through, applied to its route group by <see cref="Apply"/> as an endpoint
/// filter (so the host adds no middleware):
/// <list type="number">
/// <item>the security headers (<see cref="WebSecurityHeaders"/>);</item>
/// <item>the area's cookie scheme is authenticated and, when it succeeds, becomes <see cref="HttpContext.User"/>
/// (the host's default scheme is not used, so the API's bearer tokens and API keys never sign anyone in here);</item>
/// <item>every POST, PUT, PATCH and DELETE must carry a valid antiforgery token (ASP.NET Core's
/// <see cref="IAntiforgery"/>, the service its antiforgery middleware uses): the form field
/// <c>__RequestVerificationToken</c> that <see cref="WebForms.Antiforgery"/> writes, or the request header
/// <c>RequestVerificationToken</c> (for script uploads: with the header the body is not read to find the token).
/// A request without one gets a 400 page; endpoints marked <see cref="WebNoAntiforgeryMetadata"/> are exempt;</item>
/// <item>an exception becomes a generic 500 page (logged, nothing of it shown), unless the response has started.</item>
/// </list>
/// Unknown paths under the area get a 404 page. Endpoints that need a signed-in user add
/// <see cref="WebAccess.RequireSignIn"/>.
/// </summary>
internal static class WebPipeline
{
    public const string LogCategory = "SftpKit.Web";

    public static RouteGroupBuilder Apply(RouteGroupBuilder group, WebArea area)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(area);
        group.AddEndpointFilter((context, next) => RunAsync(context, next, area));
        WebAssets.Map(group);
        group.MapFallback("{**path}", (HttpContext context) => WebResults.Error(context, StatusCodes.Status404NotFound));
        return group;
    }

    private static async ValueTask<object?> RunAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next, WebArea area)
    {
        var context = invocation.HttpContext;
        area.Attach(context);
        var endpoint = context.GetEndpoint();
        bool asset = endpoint?.Metadata.GetMetadata<WebAssetMetadata>() is not null;
        WebSecurityHeaders.Apply(context.Response, cacheable: asset);
        if (asset)
        {
            return await next(invocation);
        }
        if (area.Scheme is not null)
        {
            var auth = await context.AuthenticateAsync(area.Scheme);
            if (auth.Succeeded && auth.Principal is not null)
            {
                context.User = auth.Principal;
            }
        }
        if (IsUnsafe(context.Request.Method) && endpoint?.Metadata.GetMetadata<WebNoAntiforgeryMetadata>() is null)
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            bool valid;
            try
            {
                valid = await antiforgery.IsRequestValidAsync(context);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                valid = false;
            }
            if (!valid)
            {
                return WebResults.Error(context, StatusCodes.Status400BadRequest);
            }
        }
        try
        {
            return await next(invocation);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted && ex is not BadHttpRequestException)
        {
            var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogCategory);
            WebLog.PageFailed(log, context.Request.Path, context.TraceIdentifier, ex);
            return WebResults.Error(context, StatusCodes.Status500InternalServerError);
        }
    }

    private static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}

/// <summary>Endpoint metadata: this endpoint takes no antiforgery token (e.g. a public share's anonymous download by POST with a password is still not exempt; use sparingly).</summary>
internal sealed class WebNoAntiforgeryMetadata
{
    public static readonly WebNoAntiforgeryMetadata Instance = new();
}

/// <summary>Log events of the web pages (category <c>SftpKit.Web</c>), ids 8200–8299.</summary>
internal static partial class WebLog
{
    [LoggerMessage(EventId = 8200, EventName = "WebPageFailed", Level = LogLevel.Error, Message = "Web page {Path} failed (request {RequestId})")]
    public static partial void PageFailed(ILogger logger, PathString path, string requestId, Exception exception);

    [LoggerMessage(EventId = 8201, EventName = "WebSignedIn", Level = LogLevel.Information, Message = "{Area}: {User} signed in from {RemoteAddress}")]
    public static partial void SignedIn(ILogger logger, string area, string user, System.Net.IPAddress? remoteAddress);

    [LoggerMessage(EventId = 8202, EventName = "WebSignInFailed", Level = LogLevel.Warning, Message = "{Area}: sign-in failed from {RemoteAddress}: {Reason}")]
    public static partial void SignInFailed(ILogger logger, string area, System.Net.IPAddress? remoteAddress, string reason);

    [LoggerMessage(EventId = 8203, EventName = "WebSignedOut", Level = LogLevel.Information, Message = "{Area}: {User} signed out")]
    public static partial void SignedOut(ILogger logger, string area, string user);
}
