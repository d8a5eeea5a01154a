using System.Globalization;
using Microsoft.AspNetCore.Http;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// The public share pages, in the shared web layout: the password form, the share's page (file list with download
/// links and a zip link for read scopes; the upload form for write scopes) and the messages for links that do not
/// work. Texts are generic: a missing, revoked or expired link all read "not found".
/// </summary>
internal static class SharePages
{
    public static IResult Message(HttpContext context, int statusCode, string title, string text) =>
        WebResults.Page(context, title, Html.Of($"<section class=\"card narrow\"><h1>{title}</h1><p>{text}</p></section>"), statusCode);

    public static IResult Denied(HttpContext context, ShareDenial denial) => denial switch
    {
        ShareDenial.AddressRefused => Message(context, StatusCodes.Status403Forbidden, "Not allowed", "This link cannot be used from your network."),
        ShareDenial.Exhausted => Message(context, StatusCodes.Status403Forbidden, "Link used up", "This link has no downloads or uploads left."),
        ShareDenial.PasswordRequired => Message(context, StatusCodes.Status401Unauthorized, "Password needed", "This link needs its password."),
        _ => Message(context, StatusCodes.Status404NotFound, "Not found", "This link does not exist or no longer works."),
    };

    public static IResult FileSystemError(HttpContext context, VfsException error) => error.Error switch
    {
        VfsError.NotFound => Message(context, StatusCodes.Status404NotFound, "Not found", "There is no such file or folder in this share."),
        VfsError.PermissionDenied => Message(context, StatusCodes.Status403Forbidden, "Not allowed", "This is not allowed here."),
        VfsError.TransferLimitExceeded => Message(context, StatusCodes.Status403Forbidden, "Transfer limit reached", "The owner's data transfer limit is reached."),
        VfsError.QuotaExceeded or VfsError.NoSpace => Message(context, StatusCodes.Status413PayloadTooLarge, "No room left", "The upload does not fit in the space left."),
        VfsError.InvalidPath or VfsError.IsADirectory or VfsError.NotADirectory or VfsError.AlreadyExists =>
            Message(context, StatusCodes.Status400BadRequest, "Request refused", "That path cannot be used here."),
        _ => Message(context, StatusCodes.Status500InternalServerError, "Something went wrong", "The server could not complete the request. Try again later."),
    };

    /// <summary>The password form (401), with an error line after a wrong password.</summary>
    public static IResult Password(HttpContext context, string id, bool wrong)
    {
        var area = WebArea.Of(context);
        string action = context.Request.PathBase + area.Url(Uri.EscapeDataString(id) + "/login");
        var error = Html.If(wrong, Html.Raw("<p class=\"alert error\" role=\"alert\">Wrong password.</p>"));
        var form = WebForms.PostForm(context, action, Html.Of($"""
            <label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label>
            <div class="actions"><button type="submit">Open</button></div>
            """));
        return WebResults.Page(context, "Protected link", Html.Of($"""
            <section class="card narrow"><h1>Protected link</h1><p class="muted">This link needs its password.</p>{error}{form}</section>
            """), StatusCodes.Status401Unauthorized);
    }

    /// <summary>
    /// The share's page at <paramref name="location"/>; when <paramref name="file"/> is set (the path inside the share
    /// of a file), the page shows that one file.
    /// </summary>
    public static IResult Browse(HttpContext context, SftpShare share, ShareLocation location, IReadOnlyList<VfsFileInfo> entries, string? file, int uploaded)
    {
        var area = WebArea.Of(context);
        string Url(string relative) => context.Request.PathBase + area.Url(Uri.EscapeDataString(share.Id) + relative);
        string Query(string path) => "?path=" + Uri.EscapeDataString(path);
        bool read = share.Scope != SftpShareScope.Write;
        bool write = share.Scope != SftpShareScope.Read;
        var parts = new List<Html>();
        parts.Add(Html.Of($"<h1>{share.Name}</h1>"));
        if (!string.IsNullOrEmpty(share.Description))
        {
            parts.Add(Html.Of($"<p>{share.Description}</p>"));
        }
        var facts = new List<string>();
        if (share.ExpiresAt is { } expires)
        {
            facts.Add("Works until " + expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) + ".");
        }
        if (share.MaxTokens > 0)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, share.MaxTokens - share.UsedTokens)} of {share.MaxTokens} uses left."));
        }
        if (facts.Count > 0)
        {
            parts.Add(Html.Of($"<p class=\"muted\">{string.Join(' ', facts)}</p>"));
        }
        if (uploaded > 0)
        {
            parts.Add(Html.Of($"<p class=\"alert ok\" role=\"status\">{uploaded.ToString(CultureInfo.InvariantCulture)} file(s) uploaded.</p>"));
        }
        if (read)
        {
            string current = file is null ? location.SharePath : VirtualPath.GetParent(location.SharePath);
            if (current != VirtualPath.Root && file is null)
            {
                parts.Add(Html.Of($"<p><a href=\"{Url("") + Query(VirtualPath.GetParent(current))}\">Up</a> · <code>{current}</code></p>"));
            }
            var rows = entries.OrderBy(e => e.Type != VfsFileType.Directory).ThenBy(e => e.Name, StringComparer.Ordinal).Select(e =>
            {
                string path = VirtualPath.Combine(current, e.Name);
                bool folder = e.Type == VfsFileType.Directory;
                string href = folder ? Url("") + Query(path) : Url("/files") + Query(file ?? path);
                string size = folder ? "" : e.Size.ToString("N0", CultureInfo.InvariantCulture);
                string modified = e.LastWriteTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                return Html.Of($"<tr><td><a href=\"{href}\"{Html.If(!folder, Html.Raw(" download"))}>{e.Name}{(folder ? "/" : "")}</a></td><td class=\"num\">{size}</td><td>{modified}</td></tr>");
            });
            var zip = Html.If(file is null, Html.Of($"<div class=\"toolbar\"><a class=\"button\" href=\"{Url("/zip") + Query(current)}\">Download all (zip)</a></div>"));
            parts.Add(Html.Of($"""
                {zip}
                <div class="table-wrap"><table><thead><tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr></thead><tbody>{rows}</tbody></table></div>
                """));
        }
        if (write)
        {
            string target = read ? location.SharePath : VirtualPath.Root;
            // The antiforgery field comes first, so the streamed upload meets it before any file.
            parts.Add(Html.Of($"""
                <form method="post" enctype="multipart/form-data" action="{Url("/upload") + Query(target)}" class="card">
                {WebForms.Antiforgery(context)}
                <h2>Upload</h2>
                <label>Files <input type="file" name="files" multiple required></label>
                <div class="actions"><button type="submit">Upload</button></div>
                </form>
                """));
        }
        return WebResults.Page(context, share.Name, Html.Of($"<section class=\"card\">{parts}</section>"));
    }
}
