using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace SftpKit.AspNetCore.Web;

/// <summary>Helpers for the pages' forms.</summary>
internal static class WebForms
{
    private static readonly object s_tokensKey = new();

    /// <summary>
    /// The hidden antiforgery field every form must carry (checked by <see cref="WebPipeline"/>). The tokens are
    /// made once per request, for the user the pipeline signed in, and the antiforgery cookie is set with them.
    /// </summary>
    public static Html Antiforgery(HttpContext context)
    {
        var tokens = Tokens(context);
        return Html.Of($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }

    /// <summary>The request token alone, e.g. for a <c>data-</c> attribute a script sends as the <c>RequestVerificationToken</c> header.</summary>
    public static string RequestToken(HttpContext context) => Tokens(context).RequestToken ?? "";

    private static AntiforgeryTokenSet Tokens(HttpContext context)
    {
        if (context.Items.TryGetValue(s_tokensKey, out var cached) && cached is AntiforgeryTokenSet set)
        {
            return set;
        }
        set = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        context.Items[s_tokensKey] = set;
        return set;
    }

    /// <summary>A POST form to <paramref name="action"/> with the antiforgery field and <paramref name="content"/>.</summary>
    /// <param name="context">The request.</param>
    /// <param name="action">The URL the form posts to.</param>
    /// <param name="content">The fields and buttons.</param>
    /// <param name="cssClass">The form's class, or null.</param>
    /// <param name="confirm">A question asked before submitting (when scripts run), or null.</param>
    /// <param name="multipart">True for a form with file inputs (<c>multipart/form-data</c>).</param>
    public static Html PostForm(HttpContext context, string action, Html content, string? cssClass = null, string? confirm = null, bool multipart = false) =>
        Html.Of($"<form method=\"post\" action=\"{action}\"{Attr("class", cssClass)}{Attr("data-confirm", confirm)}{Attr("enctype", multipart ? "multipart/form-data" : null)}>{Antiforgery(context)}{content}</form>");

    /// <summary>A single-button POST form (delete, close, ban...), asking <paramref name="confirm"/> first when scripts run.</summary>
    public static Html Button(HttpContext context, string action, string label, string? confirm = null, string cssClass = "button") =>
        PostForm(context, action, Html.Of($"<button type=\"submit\" class=\"{cssClass}\">{label}</button>"), "inline", confirm);

    /// <summary><c> name="value"</c>, or nothing for a null value.</summary>
    public static Html Attr(string name, string? value) => value is null ? Html.Empty : Html.Of($" {Html.Raw(name)}=\"{value}\"");

    /// <summary>A form field's trimmed value, or null when missing or blank.</summary>
    public static string? Value(IFormCollection form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        StringValues v = form[name];
        string? s = v.Count == 0 ? null : v[0]?.Trim();
        return string.IsNullOrEmpty(s) ? null : s;
    }

    /// <summary>A form field exactly as sent (passwords are not trimmed), or null.</summary>
    public static string? RawValue(IFormCollection form, string name)
    {
        ArgumentNullException.ThrowIfNull(form);
        StringValues v = form[name];
        return v.Count == 0 || string.IsNullOrEmpty(v[0]) ? null : v[0];
    }

    /// <summary>True for a checked checkbox.</summary>
    public static bool Checked(IFormCollection form, string name) => Value(form, name) is "on" or "true" or "1";

    /// <summary>The non-blank lines of a textarea.</summary>
    public static List<string> Lines(IFormCollection form, string name) =>
        (Value(form, name) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
