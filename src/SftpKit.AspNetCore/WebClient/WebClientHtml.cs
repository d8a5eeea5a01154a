using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using SftpKit.AspNetCore.Web;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// Writes the body of the web client's pages (the shared <see cref="WebLayout"/> frames it): every text and attribute
/// value HTML-encoded, no inline script or style (the pages' Content-Security-Policy allows neither), the antiforgery
/// token (<see cref="WebForms.Antiforgery"/>) first in every form that changes something.
/// </summary>
internal sealed class WebClientHtml
{
    private readonly StringBuilder _html = new();
    private readonly HttpContext _context;
    private readonly string _base;

    public WebClientHtml(HttpContext context, string prefix)
    {
        _context = context;
        _base = context.Request.PathBase + prefix;
    }

    /// <summary>The URL of a web client route, e.g. <c>Url("files", ("path", "/a"))</c>.</summary>
    public string Url(string route, params (string Name, string? Value)[] query)
    {
        var url = new StringBuilder(_base).Append('/').Append(route);
        char separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }
            url.Append(separator).Append(UrlEncoder.Default.Encode(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        return url.ToString();
    }

    /// <summary>Appends markup as is (only literals of this assembly).</summary>
    public WebClientHtml Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>Appends text, encoded.</summary>
    public WebClientHtml Text(string? text)
    {
        _html.Append(HtmlEncoder.Default.Encode(text ?? ""));
        return this;
    }

    /// <summary>Appends <c> name="value"</c>, the value encoded.</summary>
    public WebClientHtml Attr(string name, string? value)
    {
        _html.Append(' ').Append(name).Append("=\"").Append(HtmlEncoder.Default.Encode(value ?? "")).Append('"');
        return this;
    }

    /// <summary>Appends the hidden antiforgery field (first in a form, so streamed uploads meet it before any file).</summary>
    public WebClientHtml Token()
    {
        return Raw(WebForms.Antiforgery(_context).ToString());
    }

    /// <summary>Opens a POST form to <paramref name="action"/> with its antiforgery token.</summary>
    public WebClientHtml PostForm(string action, string? cssClass = null, string? enctype = null, string? confirm = null)
    {
        Raw("<form method=\"post\"").Attr("action", action);
        if (cssClass is not null)
        {
            Attr("class", cssClass);
        }
        if (enctype is not null)
        {
            Attr("enctype", enctype);
        }
        if (confirm is not null)
        {
            Attr("data-confirm", confirm);
        }
        return Raw(">").Token();
    }

    /// <summary>A hidden field.</summary>
    public WebClientHtml Hidden(string name, string? value) => Raw("<input type=\"hidden\"").Attr("name", name).Attr("value", value).Raw(">");

    public override string ToString() => _html.ToString();
}
