using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// One web interface mapped under a path (the WebAdmin, the WebClient, the public share pages): its route prefix, the
/// cookie scheme its users sign in with (null for anonymous-only pages), its title and its navigation. The
/// <see cref="WebPipeline"/> puts it in <see cref="HttpContext.Items"/> for every request of the area.
/// </summary>
/// <param name="Prefix">The route prefix without a trailing slash, e.g. <c>/web/admin</c>.</param>
/// <param name="Scheme">The cookie authentication scheme (see <see cref="WebCookieAuthentication"/>), or null.</param>
/// <param name="Title">Shown in the header and the page titles, e.g. <c>SftpKit WebAdmin</c>.</param>
/// <param name="Navigation">The header's links for a signed-in user (relative to <paramref name="Prefix"/>), or null.</param>
internal sealed record WebArea(string Prefix, string? Scheme, string Title, Func<HttpContext, IReadOnlyList<WebNavLink>>? Navigation)
{
    private static readonly object s_key = new();

    /// <summary>The URL of <paramref name="relative"/> inside the area (<c>"accounts"</c> → <c>/web/admin/accounts</c>).</summary>
    public string Url(string relative) => relative.Length == 0 ? Prefix + "/" : Prefix + "/" + relative.TrimStart('/');

    /// <summary>The area of the current request; throws outside a <see cref="WebPipeline"/> group.</summary>
    public static WebArea Of(HttpContext context) =>
        context.Items.TryGetValue(s_key, out var area) && area is WebArea a ? a : throw new InvalidOperationException("Not a web page request.");

    internal void Attach(HttpContext context) => context.Items[s_key] = this;

    /// <summary>
    /// Normalizes a route prefix: leading slash, no trailing slash (<c>web/admin/</c> → <c>/web/admin</c>). A prefix of
    /// <c>/</c> alone is refused, so the pages never shadow the host's own routes.
    /// </summary>
    public static string NormalizePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string p = "/" + prefix.Trim().Trim('/');
        if (p == "/" || p.Contains("//", StringComparison.Ordinal) || p.Contains('?', StringComparison.Ordinal) || p.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("The prefix must be a path such as /web/admin.", nameof(prefix));
        }
        return p;
    }
}

/// <summary>A link of the header's navigation.</summary>
/// <param name="Text">The link text.</param>
/// <param name="Path">The path relative to the area's prefix.</param>
internal sealed record WebNavLink(string Text, string Path);
