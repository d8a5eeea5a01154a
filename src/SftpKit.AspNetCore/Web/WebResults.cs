using System.Text;
using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>The answers of the web pages.</summary>
internal static class WebResults
{
    /// <summary>A whole page in the area's layout (see <see cref="WebLayout"/>).</summary>
    public static IResult Page(HttpContext context, string title, Html body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(WebLayout.Render(context, title, body).ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);

    /// <summary>
    /// A generic error page for <paramref name="statusCode"/>: a fixed sentence per status and the request id (to
    /// find the log entry), never an exception's text.
    /// </summary>
    public static IResult Error(HttpContext context, int statusCode)
    {
        (string title, string text) = statusCode switch
        {
            StatusCodes.Status400BadRequest => ("Request refused", "The form could not be accepted. It may have expired: reload the page and try again."),
            StatusCodes.Status403Forbidden => ("Not allowed", "You do not have permission to open this page."),
            StatusCodes.Status404NotFound => ("Not found", "There is no such page."),
            StatusCodes.Status429TooManyRequests => ("Too many attempts", "Too many attempts. Wait a little and try again."),
            _ => ("Something went wrong", "The server could not complete the request. Try again later."),
        };
        var area = WebArea.Of(context);
        var body = Html.Of($"<section class=\"card error\"><h1>{title}</h1><p>{text}</p><p class=\"muted\">Request id: <code>{context.TraceIdentifier}</code></p><p><a href=\"{area.Url("")}\">Back to the start page</a></p></section>");
        return Page(context, title, body, statusCode);
    }

    /// <summary>A redirect to <paramref name="relative"/> inside the area (303, so a POST is followed by a GET).</summary>
    public static IResult SeeOther(HttpContext context, string relative) => new SeeOtherResult(WebArea.Of(context).Url(relative));

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = httpContext.Request.PathBase + location;
            return Task.CompletedTask;
        }
    }
}
