using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// The page frame every area shares: a header with the area's title, its navigation (for a signed-in user) and a
/// sign-out button, the page's content in <c>main</c>, and a footer with the version. The stylesheet and the script
/// are the area's own <c>assets/</c> (see <see cref="WebAssets"/>); nothing inline, so the CSP holds.
/// </summary>
internal static class WebLayout
{
    public static Html Render(HttpContext context, string title, Html body)
    {
        var area = WebArea.Of(context);
        string pathBase = context.Request.PathBase;
        string Url(string relative) => pathBase + area.Url(relative);
        bool signedIn = WebAccess.IsSignedIn(context, area);
        var nav = Html.Empty;
        if (signedIn && area.Navigation is not null)
        {
            string current = context.Request.Path.Value ?? "";
            var links = area.Navigation(context).Select(link =>
            {
                string href = Url(link.Path);
                bool active = link.Path.Length == 0 ? current == area.Prefix || current == area.Prefix + "/" : current.StartsWith(area.Url(link.Path), StringComparison.Ordinal);
                return Html.Of($"<a href=\"{href}\"{Html.If(active, Html.Raw(" aria-current=\"page\""))}>{link.Text}</a>");
            });
            nav = Html.Of($"<nav class=\"nav\" aria-label=\"Main\">{links}</nav>");
        }
        var user = Html.Empty;
        if (signedIn)
        {
            user = Html.Of($"<div class=\"user\"><span class=\"muted\">{context.User.Identity?.Name}</span>{WebForms.Button(context, Url("logout"), "Sign out", cssClass: "button secondary small")}</div>");
        }
        string v = Uri.EscapeDataString(WebVersion.Value);
        return Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>{title} · {area.Title}</title>
            <link rel="stylesheet" href="{Url("assets/site.css")}?v={v}">
            <script src="{Url("assets/site.js")}?v={v}" defer></script>
            </head>
            <body>
            <header class="top">
            <a class="brand" href="{Url("")}">{area.Title}</a>
            {nav}
            {user}
            </header>
            <main>
            {body}
            </main>
            <footer class="bottom"><span>SftpKit {WebVersion.Value}</span></footer>
            </body>
            </html>
            """);
    }
}
