using Microsoft.AspNetCore.Http;

namespace SftpKit.AspNetCore.Web;

/// <summary>The second step of a web sign-in: the form asking for the one-time code (or a recovery code).</summary>
internal static class WebSignInCode
{
    /// <summary>Longest code accepted from the form: 64 characters (recovery codes are 19).</summary>
    public const int MaxCodeLength = 64;

    public static IResult Page(HttpContext context, string action, string ticket, string? returnUrl, string? error, int status)
    {
        var body = Html.Of($"""
            <section class="card narrow">
            <h1>Two-factor authentication</h1>
            {Html.If(error is not null, Html.Of($"<p class=\"alert error\" role=\"alert\" id=\"code-error\">{error}</p>"))}
            {WebForms.PostForm(context, action, Html.Of($"""
                <input type="hidden" name="ticket" value="{ticket}">
                <input type="hidden" name="returnUrl" value="{returnUrl ?? ""}">
                <label for="code">Authentication code</label>
                <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="{MaxCodeLength}" autofocus>
                <p class="muted">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
                <p><button type="submit" id="verify-code">Verify</button></p>
                """))}
            </section>
            """);
        context.Response.Headers.CacheControl = "no-store";
        return WebResults.Page(context, "Two-factor authentication", body, status);
    }
}
