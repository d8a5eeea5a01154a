using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// The pages' static files (<c>Web/Assets/</c>, embedded in the assembly as <c>SftpKit.Web.NAME</c>), served by each
/// area at <c>PREFIX/assets/NAME</c>: so they come with the package and need no static-file middleware or deployed
/// folder. Read once at start (a few KiB); answered with an ETag and cached for a day (the layout adds the version
/// to the URL, so an upgrade is fetched at once). Unknown names get 404.
/// </summary>
internal static class WebAssets
{
    private const string ResourcePrefix = "SftpKit.Web.";

    private static readonly FrozenDictionary<string, Asset> s_assets = Load();

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (!s_assets.TryGetValue(name, out var asset))
            {
                return WebResults.Error(context, StatusCodes.Status404NotFound);
            }
            context.Response.Headers.ETag = asset.ETag;
            context.Response.Headers.CacheControl = "public, max-age=86400";
            if (context.Request.Headers.IfNoneMatch == asset.ETag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
            return Results.Bytes(asset.Content, asset.ContentType);
        }).WithMetadata(new WebAssetMetadata()).ExcludeFromDescription();
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] content = buffer.ToArray();
            string name = resource[ResourcePrefix.Length..];
            string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";
            assets[name] = new Asset(content, ContentType(name), etag);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}

/// <summary>Endpoint metadata of an asset: cacheable, no authentication or antiforgery.</summary>
internal sealed class WebAssetMetadata;
