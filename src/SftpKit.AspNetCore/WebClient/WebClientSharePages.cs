using System.Globalization;
using Microsoft.AspNetCore.Http;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>The account holder's share-link pages: the list of their shares and the creation form.</summary>
internal static class WebClientSharePages
{
    /// <summary>A listed share and the absolute URL of its link (null when the links are not mapped).</summary>
    public sealed record Row(SftpShare Share, string? Link);

    /// <summary>The creation form's values as typed, shown again with the errors.</summary>
    public sealed class Form
    {
        public string Name { get; init; } = "";

        public string Paths { get; init; } = "";

        public string Scope { get; init; } = "1";

        public string Expires { get; init; } = "";

        public string MaxTokens { get; init; } = "";

        public string AllowFrom { get; init; } = "";
    }

    public static IResult List(HttpContext context, string prefix, List<Row> shares, bool more, Row? created, string? done, string? error, int status)
    {
        var html = new WebClientHtml(context, prefix);
        WebClientPages.Assets(html);
        html.Raw("<h1>Shares</h1>");
        WebClientPages.Message(html, done is not null && WebClientPages.s_done.TryGetValue(done, out var text) ? text : null, isError: false);
        WebClientPages.Message(html, error, isError: true);
        if (created is not null)
        {
            html.Raw("<section class=\"card\" id=\"created-share\"><h2>Link of ").Text(created.Share.Name).Raw("</h2>");
            if (created.Link is null)
            {
                html.Raw("<p class=\"muted\">Share links are not published on this server.</p>");
            }
            else
            {
                html.Raw("<p><label for=\"share-link\">Send this link</label><input type=\"text\" id=\"share-link\" readonly").Attr("value", created.Link)
                    .Raw("></p><p><a id=\"share-link-open\"").Attr("href", created.Link).Raw(">").Text(created.Link).Raw("</a></p>");
            }
            html.Raw("</section>");
        }
        html.Raw("<p><a class=\"button\" id=\"new-share\"").Attr("href", html.Url("shares/new")).Raw(">New share</a></p>");
        if (shares.Count == 0)
        {
            html.Raw("<p class=\"muted\">No shares yet. Use \"Share\" on a file or folder, or \"New share\".</p>");
            return WebClientPages.Close(context, html, "Shares", status);
        }
        html.Raw("<div class=\"table-wrap\"><table class=\"shares\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Paths</th><th scope=\"col\">Scope</th>")
            .Raw("<th scope=\"col\">Expires</th><th scope=\"col\" class=\"num\">Used</th><th scope=\"col\">Link</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var row in shares)
        {
            var share = row.Share;
            html.Raw("<tr").Attr("data-share", share.Id).Raw("><td>").Text(share.Name);
            if (share.PasswordHash is not null)
            {
                html.Raw(" <span class=\"muted\">(password)</span>");
            }
            html.Raw("</td><td>");
            foreach (string path in share.Paths)
            {
                html.Raw("<code>").Text(path).Raw("</code> ");
            }
            html.Raw("</td><td>").Text(Scope(share.Scope)).Raw("</td><td>")
                .Text(share.ExpiresAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never").Raw("</td><td class=\"num\">")
                .Text(share.UsedTokens.ToString(CultureInfo.InvariantCulture) + " / " + (share.MaxTokens == 0 ? "∞" : share.MaxTokens.ToString(CultureInfo.InvariantCulture)))
                .Raw("</td><td>");
            if (row.Link is not null)
            {
                html.Raw("<a class=\"share-link\"").Attr("href", row.Link).Raw(">Open link</a>");
            }
            html.Raw("</td><td>").PostForm(html.Url("shares/delete"), "inline", confirm: "Delete the share " + share.Name + "? Its link stops working.")
                .Hidden("id", share.Id).Raw("<button type=\"submit\" class=\"danger small\">Delete</button></form></td></tr>");
        }
        html.Raw("</tbody></table></div>");
        if (more)
        {
            html.Raw("<p class=\"muted\">").Text($"Showing the first {shares.Count} shares.").Raw("</p>");
        }
        return WebClientPages.Close(context, html, "Shares", status);
    }

    public static IResult New(HttpContext context, string prefix, Form form, IReadOnlyDictionary<string, string[]>? errors, int status)
    {
        var html = new WebClientHtml(context, prefix);
        WebClientPages.Assets(html);
        html.Raw("<section class=\"card\"><h1>New share</h1>");
        if (errors is { Count: > 0 })
        {
            WebClientPages.Message(html, "The share was not created; see below.", isError: true);
        }
        html.PostForm(html.Url("shares"), "stack");
        Field(html, errors, "name", "Name");
        html.Raw("<input type=\"text\" id=\"name\" name=\"name\" required").Attr("maxlength", SftpShare.MaxNameLength.ToString(CultureInfo.InvariantCulture))
            .Attr("value", form.Name).Raw(">");
        Field(html, errors, "paths", "Paths (one per line; a share that allows uploads names one folder)");
        html.Raw("<textarea id=\"paths\" name=\"paths\" rows=\"3\" required spellcheck=\"false\">").Text(form.Paths).Raw("</textarea>");
        Field(html, errors, "scope", "The link allows");
        html.Raw("<select id=\"scope\" name=\"scope\">");
        foreach (var scope in new[] { SftpShareScope.Read, SftpShareScope.Write, SftpShareScope.ReadWrite })
        {
            string value = ((int)scope).ToString(CultureInfo.InvariantCulture);
            html.Raw("<option").Attr("value", value).Raw(form.Scope == value ? " selected>" : ">").Text(Scope(scope)).Raw("</option>");
        }
        html.Raw("</select>");
        Field(html, errors, "password", "Password (optional)");
        html.Raw("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\">");
        Field(html, errors, "expires_at", "Expires after (optional, a date, UTC)");
        html.Raw("<input type=\"date\" id=\"expires\" name=\"expires\"").Attr("value", form.Expires).Raw(">");
        Field(html, errors, "max_tokens", "Most downloads and uploads (optional, 0 = no limit)");
        html.Raw("<input type=\"number\" id=\"max_tokens\" name=\"max_tokens\" min=\"0\" step=\"1\"").Attr("value", form.MaxTokens).Raw(">");
        Field(html, errors, "allow_from", "Allowed networks (optional, one IP address or CIDR per line; empty = any)");
        html.Raw("<textarea id=\"allow_from\" name=\"allow_from\" rows=\"2\" spellcheck=\"false\">").Text(form.AllowFrom).Raw("</textarea>");
        html.Raw("<p><button type=\"submit\" id=\"create-share\">Create share</button> <a").Attr("href", html.Url("shares")).Raw(">Cancel</a></p></form></section>");
        return WebClientPages.Close(context, html, "New share", status);
    }

    /// <summary>A field's label and, below it, its errors.</summary>
    private static void Field(WebClientHtml html, IReadOnlyDictionary<string, string[]>? errors, string field, string label)
    {
        string id = field == "expires_at" ? "expires" : field;
        html.Raw("<label").Attr("for", id).Raw(">").Text(label).Raw("</label>");
        if (errors is not null && errors.TryGetValue(field, out var messages))
        {
            foreach (string message in messages)
            {
                html.Raw("<p class=\"alert error field-error\" role=\"alert\">").Text(message).Raw("</p>");
            }
        }
    }

    private static string Scope(SftpShareScope scope) => scope switch
    {
        SftpShareScope.Read => "Download",
        SftpShareScope.Write => "Upload only",
        SftpShareScope.ReadWrite => "Download and upload",
        _ => "Unknown",
    };
}
