using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// The response headers of every web page and asset: a Content-Security-Policy that allows only the area's own
/// scripts, styles and images (no inline script or style, no framing, forms posting only to the same origin),
/// <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: same-origin</c>, and for pages (not assets)
/// <c>Cache-Control: no-store</c>, so a page with account data is not kept by the browser or a proxy.
/// </summary>
internal static class WebSecurityHeaders
{
    /// <summary>The policy. <c>img-src</c> also allows <c>data:</c> for the CSS's inline SVG icons.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    public static void Apply(HttpResponse response, bool cacheable)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (!cacheable)
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }
    }
}
