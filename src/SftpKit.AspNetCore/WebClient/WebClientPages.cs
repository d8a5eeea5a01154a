using System.Globalization;
using Microsoft.AspNetCore.Http;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>The web client's pages, rendered on the server in the shared layout: sign-in, file browser, profile, error.</summary>
internal static class WebClientPages
{
    /// <summary>The texts of the outcomes a redirect after a successful form carries (<c>?done=</c>); unknown codes show nothing.</summary>
    internal static readonly Dictionary<string, string> s_done = new(StringComparer.Ordinal)
    {
        ["uploaded"] = "Upload complete.",
        ["folder"] = "Folder created.",
        ["renamed"] = "Renamed.",
        ["deleted"] = "Deleted.",
        ["password"] = "Password changed.",
        ["key-added"] = "Key added.",
        ["key-removed"] = "Key removed.",
        ["share-created"] = "Share created.",
        ["share-deleted"] = "Share deleted; its link no longer works.",
    };

    public static IResult Login(HttpContext context, string prefix, string? userName, string? returnUrl, string? error, int status)
    {
        var html = new WebClientHtml(context, prefix);
        html.Raw("<section class=\"card narrow\"><h1>Sign in</h1>");
        Message(html, error, isError: true);
        html.PostForm(html.Url("login"), "stack")
            .Hidden("returnUrl", returnUrl)
            .Raw("<label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"255\" autofocus")
            .Attr("value", userName).Raw(">")
            .Raw("<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Raw("<p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form></section>");
        return Close(context, html, "Sign in", status);
    }

    public static IResult Files(HttpContext context, string prefix, string user, string directory, List<VfsFileInfo>? entries, int total,
        string? done, string? error, int status)
    {
        var html = new WebClientHtml(context, prefix);
        Assets(html);
        Breadcrumbs(html, directory);
        Message(html, done is not null && s_done.TryGetValue(done, out var text) ? text : null, isError: false);
        Message(html, error, isError: true);
        html.Raw("<section class=\"tools\">");
        html.PostForm(html.Url("upload", ("path", directory)), "upload", "multipart/form-data")
            .Raw("<label for=\"files\">Upload files</label><input id=\"files\" name=\"files\" type=\"file\" multiple required>")
            .Raw("<button type=\"submit\" id=\"upload\">Upload</button><progress hidden max=\"100\" value=\"0\"></progress><output class=\"upload-status\"></output></form>");
        html.PostForm(html.Url("mkdir"), "inline").Hidden("path", directory)
            .Raw("<label for=\"folder\">New folder</label><input type=\"text\" id=\"folder\" name=\"name\" required maxlength=\"255\"><button type=\"submit\" class=\"secondary\" id=\"create-folder\">Create</button></form>");
        html.Raw("<form method=\"get\" id=\"zip-form\" class=\"inline\"").Attr("action", html.Url("zip")).Raw(">").Hidden("path", directory)
            .Raw("<button type=\"submit\" class=\"secondary\">Download selected as zip</button> <a").Attr("href", html.Url("zip", ("path", directory)))
            .Raw(">Download this folder as zip</a></form></section>");
        if (entries is not null)
        {
            Listing(html, directory, entries, total, context.RequestServices.GetService(typeof(SftpKit.AspNetCore.Shares.ShareService)) is not null);
        }
        return Close(context, html, directory == VirtualPath.Root ? "Files" : VirtualPath.GetName(directory), status);
    }

    private static void Listing(WebClientHtml html, string directory, List<VfsFileInfo> entries, int total, bool shares)
    {
        html.Raw("<div class=\"table-wrap\"><table class=\"files\"><thead><tr><th scope=\"col\"><span class=\"sr\">Select</span></th><th scope=\"col\">Name</th>")
            .Raw("<th scope=\"col\" class=\"num\">Size</th><th scope=\"col\">Modified</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        if (directory != VirtualPath.Root)
        {
            html.Raw("<tr><td></td><td><a class=\"dir\"").Attr("href", html.Url("files", ("path", VirtualPath.GetParent(directory)))).Raw(">..</a></td><td></td><td></td><td></td></tr>");
        }
        foreach (var entry in entries)
        {
            string path = VirtualPath.Combine(directory, entry.Name);
            bool isDirectory = entry.Type == VfsFileType.Directory;
            html.Raw("<tr><td><input type=\"checkbox\" name=\"name\" form=\"zip-form\"").Attr("value", entry.Name).Attr("aria-label", "Select " + entry.Name).Raw("></td><td>");
            html.Raw(isDirectory ? "<a class=\"dir\"" : "<a class=\"file\" download")
                .Attr("href", isDirectory ? html.Url("files", ("path", path)) : html.Url("download", ("path", path))).Raw(">").Text(entry.Name).Raw("</a></td>");
            html.Raw("<td class=\"num\">").Text(isDirectory ? "" : Size(entry.Size)).Raw("</td><td><time")
                .Attr("datetime", entry.LastWriteTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Raw(">")
                .Text(entry.LastWriteTime.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Raw(" UTC</time></td><td><div class=\"row-actions\">");
            html.Raw("<details><summary>Rename</summary>").PostForm(html.Url("rename"), "inline").Hidden("path", directory).Hidden("from", entry.Name)
                .Raw("<input type=\"text\" name=\"to\" required maxlength=\"255\"").Attr("value", entry.Name).Attr("aria-label", "New name of " + entry.Name)
                .Raw("><button type=\"submit\" class=\"small\">Rename</button></form></details>");
            if (shares)
            {
                html.Raw("<a class=\"button secondary small share\"").Attr("href", html.Url("shares/new", ("path", path))).Attr("aria-label", "Share " + entry.Name).Raw(">Share</a>");
            }
            html.PostForm(html.Url("delete"), "inline", confirm: "Delete " + entry.Name + (isDirectory ? " and everything in it?" : "?"))
                .Hidden("path", directory).Hidden("name", entry.Name).Raw("<button type=\"submit\" class=\"danger small\">Delete</button></form></div></td></tr>");
        }
        html.Raw("</tbody></table></div>");
        if (entries.Count == 0)
        {
            html.Raw("<p class=\"muted\">This folder is empty.</p>");
        }
        else if (total > entries.Count)
        {
            html.Raw("<p class=\"muted\">").Text($"Showing {entries.Count} of {total} entries.").Raw("</p>");
        }
    }

    public static IResult Profile(HttpContext context, string prefix, string user, bool passwordAllowed, bool keysAllowed,
        IList<string> keys, string? done, string? error, int status)
    {
        var html = new WebClientHtml(context, prefix);
        Assets(html);
        html.Raw("<h1>Profile</h1>");
        Message(html, done is not null && s_done.TryGetValue(done, out var text) ? text : null, isError: false);
        Message(html, error, isError: true);
        if (passwordAllowed)
        {
            html.Raw("<section class=\"card\"><h2>Change password</h2>").PostForm(html.Url("profile/password"), "stack")
                .Raw("<input type=\"hidden\" name=\"username\" autocomplete=\"username\"").Attr("value", user).Raw(">")
                .Raw("<label for=\"current\">Current password</label><input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" required>")
                .Raw("<label for=\"new\">New password</label><input id=\"new\" name=\"new\" type=\"password\" autocomplete=\"new-password\" required>")
                .Raw("<label for=\"confirm\">Repeat the new password</label><input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>")
                .Raw("<p><button type=\"submit\">Change password</button></p></form></section>");
        }
        if (keysAllowed)
        {
            html.Raw("<section class=\"card\"><h2>Authorized SSH keys</h2>");
            if (keys.Count == 0)
            {
                html.Raw("<p class=\"muted\">No keys.</p>");
            }
            else
            {
                html.Raw("<ul class=\"keys\">");
                for (int i = 0; i < keys.Count; i++)
                {
                    string label = SshPublicKey.TryParseAuthorizedKey(keys[i], out var key)
                        ? $"{key.KeyType} {key.Fingerprint}{(key.Comment is null ? "" : " " + key.Comment)}"
                        : "unreadable key";
                    html.Raw("<li><code>").Text(label).Raw("</code>").PostForm(html.Url("profile/keys/delete"), "inline", confirm: "Remove this key?")
                        .Hidden("index", i.ToString(CultureInfo.InvariantCulture)).Hidden("key", WebClientLogin.Stamp(keys[i]))
                        .Raw("<button type=\"submit\" class=\"danger small\">Remove</button></form></li>");
                }
                html.Raw("</ul>");
            }
            html.PostForm(html.Url("profile/keys"), "stack")
                .Raw("<label for=\"key\">Add a public key (one authorized_keys line)</label><textarea id=\"key\" name=\"key\" rows=\"3\" required></textarea>")
                .Raw("<p><button type=\"submit\">Add key</button></p></form></section>");
        }
        if (!passwordAllowed && !keysAllowed)
        {
            html.Raw("<p class=\"muted\">Nothing here can be changed for this account.</p>");
        }
        return Close(context, html, "Profile", status);
    }

    public static IResult Error(HttpContext context, string prefix, string? user, int status, string message)
    {
        var html = new WebClientHtml(context, prefix);
        html.Raw("<section class=\"card narrow\"><h1>").Text(status.ToString(CultureInfo.InvariantCulture)).Raw("</h1>");
        Message(html, message, isError: true);
        html.Raw("<p><a").Attr("href", html.Url(user is null ? "login" : "files")).Raw(">Back</a></p></section>");
        return Close(context, html, "Error", status);
    }

    /// <summary>The web client's own stylesheet and script, beside the layout's.</summary>
    internal static void Assets(WebClientHtml html) =>
        html.Raw("<link rel=\"stylesheet\"").Attr("href", html.Url("assets/webclient.css")).Raw("><script defer").Attr("src", html.Url("assets/webclient.js")).Raw("></script>");

    internal static IResult Close(HttpContext context, WebClientHtml html, string title, int status) =>
        WebResults.Page(context, title, Html.Raw(html.ToString()), status);

    private static void Breadcrumbs(WebClientHtml html, string directory)
    {
        html.Raw("<nav class=\"crumbs\" aria-label=\"Folder\"><a").Attr("href", html.Url("files", ("path", VirtualPath.Root))).Raw(">Home</a>");
        string path = "";
        foreach (string segment in directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + segment;
            html.Raw("<span>/</span><a").Attr("href", html.Url("files", ("path", path))).Raw(">").Text(segment).Raw("</a>");
        }
        html.Raw("</nav>");
    }

    internal static void Message(WebClientHtml html, string? text, bool isError)
    {
        if (text is not null)
        {
            html.Raw(isError ? "<p class=\"alert error\" role=\"alert\">" : "<p class=\"alert ok\" role=\"status\">").Text(text).Raw("</p>");
        }
    }

    /// <summary>A size in bytes as people read it (1024-based).</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
