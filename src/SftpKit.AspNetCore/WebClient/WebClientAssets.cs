using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>The web client's stylesheet and script, embedded in the assembly and served from <c>assets/</c>.</summary>
internal static class WebClientAssets
{
    private static readonly Dictionary<string, string> s_types = new(StringComparer.Ordinal)
    {
        ["webclient.css"] = "text/css; charset=utf-8",
        ["webclient.js"] = "text/javascript; charset=utf-8",
    };

    public static async Task ServeAsync(HttpContext context, string name)
    {
        if (!s_types.TryGetValue(name, out var type)
            || typeof(WebClientAssets).Assembly.GetManifestResourceStream("SftpKit.AspNetCore.WebClient.Assets." + name) is not { } stream)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await using (stream)
        {
            WebClientPageResult.Secure(context.Response);
            context.Response.ContentType = type;
            context.Response.ContentLength = stream.Length;
            context.Response.Headers.CacheControl = "public, max-age=3600";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
