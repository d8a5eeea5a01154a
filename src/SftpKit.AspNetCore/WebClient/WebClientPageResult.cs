using System.Text;
using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// A rendered page: HTML with the web client's security headers — a Content-Security-Policy without inline scripts
/// or styles (scripts and styles only from this site, no framing, forms only to this site), no sniffing, no referrer,
/// and no caching (the pages show private file lists).
/// </summary>
internal sealed class WebClientPageResult : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private readonly string _html;
    private readonly int _statusCode;

    public WebClientPageResult(string html, int statusCode = StatusCodes.Status200OK)
    {
        _html = html;
        _statusCode = statusCode;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = _statusCode;
        response.ContentType = "text/html; charset=utf-8";
        Secure(response);
        response.Headers.CacheControl = "no-store";
        byte[] body = Encoding.UTF8.GetBytes(_html);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }

    /// <summary>The headers every web client answer carries.</summary>
    public static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XFrameOptions = "DENY";
    }
}
