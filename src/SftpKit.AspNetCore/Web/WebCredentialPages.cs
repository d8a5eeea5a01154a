using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Endpoints;

namespace SftpKit.AspNetCore.Web;

/// <summary>Whose page it is and where its forms post, for <see cref="WebCredentialPages"/>.</summary>
/// <param name="Http">The request.</param>
/// <param name="Owner">The signed-in account holder or admin.</param>
/// <param name="Url">The page's address, or one of its actions' (<c>Url("totp-start")</c>).</param>
/// <param name="Scopes">The token scopes this owner may choose.</param>
/// <param name="ChooseProtocols">Whether the second factor's protocols (SSH, HTTP) are chosen (accounts) or fixed (admins: every admin login).</param>
internal sealed record WebCredentialPage(HttpContext Http, SftpCredentialOwner Owner, Func<string?, string> Url, SftpAccessTokenScopes Scopes, bool ChooseProtocols);

/// <summary>
/// The two-factor authentication and personal access token page of the web client and the WebAdmin: set up (QR code
/// and secret, confirmed with a code before it is turned on; the recovery codes are shown once), new recovery codes,
/// turn off (with a current code), and tokens (create, shown once; list; revoke). Wrong codes are scored in the
/// defender like a failed sign-in.
/// </summary>
internal static class WebCredentialPages
{
    /// <summary>Default token lifetime offered by the form: 30 days.</summary>
    public const int DefaultTokenDays = 30;

    public static async Task<IResult> ShowAsync(WebCredentialPage page, Html extra, string? message, string? error, int status)
    {
        var context = page.Http;
        var credentials = context.RequestServices.GetRequiredService<SftpCredentials>();
        var config = await credentials.GetTotpAsync(page.Owner, context.RequestAborted);
        Html totp;
        if (config is { Enabled: true })
        {
            int left = config.RecoveryCodes.Count(c => !c.Used);
            string where = page.ChooseProtocols ? (config.Protocols.Count == 0 ? "no protocol" : string.Join(", ", config.Protocols)) : "every sign-in";
            totp = Html.Of($"""
                <p id="totp-status">Two-factor authentication is <strong>on</strong> for {where}. Recovery codes left: {left}.</p>
                {WebForms.PostForm(context, page.Url("recovery"), Html.Of($"<p><button type=\"submit\" id=\"new-recovery-codes\">New recovery codes</button></p>"), "inline", "Replace your recovery codes? The old ones stop working.")}
                {WebForms.PostForm(context, page.Url("totp-disable"), Html.Of($"""
                    <label for="disable-code">Current code</label>
                    <input type="text" id="disable-code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="{WebSignInCode.MaxCodeLength}">
                    <p><button type="submit" class="danger" id="totp-disable">Turn off two-factor authentication</button></p>
                    """), "stack")}
                """);
        }
        else
        {
            totp = Html.Of($"""
                <p id="totp-status">Two-factor authentication is <strong>off</strong>.</p>
                {WebForms.PostForm(context, page.Url("totp-start"), Html.Of($"<p><button type=\"submit\" id=\"totp-start\">Set up two-factor authentication</button></p>"))}
                """);
        }
        var rows = new List<Html>();
        await foreach (var token in credentials.Store.ListTokensAsync(page.Owner, context.RequestAborted))
        {
            rows.Add(Html.Of($"""
                <tr data-token="{token.Id}"><td data-label="Name">{token.Name}</td><td data-label="Scopes">{string.Join(", ", TwoFactorEndpoints.ScopeNames(token.Scopes))}</td>
                <td data-label="Created">{Time(token.CreatedAt)}</td><td data-label="Expires">{Time(token.ExpiresAt)}</td><td data-label="Last used">{Time(token.LastUseAt)}</td>
                <td data-label="">{WebForms.PostForm(context, page.Url("token-revoke"), Html.Of($"<input type=\"hidden\" name=\"id\" value=\"{token.Id}\"><button type=\"submit\" class=\"danger small\">Revoke</button>"), "inline", $"Revoke the token {token.Name}?")}</td></tr>
                """));
        }
        var scopeBoxes = Html.Join(new[] { (SftpAccessTokenScopes.Ssh, "ssh", "SSH (SFTP, SCP)"), (SftpAccessTokenScopes.Web, "web", "Web sign-in"), (SftpAccessTokenScopes.Api, "api", "Admin API (POST /token)") }
            .Where(s => page.Scopes.HasFlag(s.Item1))
            .Select(s => Html.Of($"<label class=\"check\"><input type=\"checkbox\" name=\"scope-{s.Item2}\" id=\"scope-{s.Item2}\" checked> {s.Item3}</label>")));
        var body = Html.Of($"""
            <h1>Two-factor authentication and tokens</h1>
            {Html.If(message is not null, Html.Of($"<p class=\"alert ok\" role=\"status\">{message}</p>"))}
            {Html.If(error is not null, Html.Of($"<p class=\"alert error\" role=\"alert\" id=\"credentials-error\">{error}</p>"))}
            {extra}
            <section class="card" id="totp"><h2>Two-factor authentication</h2>{totp}</section>
            <section class="card" id="tokens"><h2>Personal access tokens</h2>
            <p class="muted">A token is given in place of the password (with your user name) where its scopes allow, and is not asked for a code.</p>
            {WebForms.PostForm(context, page.Url("token-create"), Html.Of($"""
                <label for="token-name">Name</label><input type="text" id="token-name" name="name" required maxlength="{SftpAccessToken.MaxNameLength}">
                <label for="token-days">Expires after (days, 1–366; empty = never)</label><input type="number" id="token-days" name="days" min="1" max="366" value="{DefaultTokenDays}">
                <fieldset><legend>Scopes</legend>{scopeBoxes}</fieldset>
                <p><button type="submit" id="token-create">Create token</button></p>
                """), "stack")}
            <div class="table-wrap"><table class="responsive" id="token-list"><thead><tr><th>Name</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>{rows}</tbody></table></div>
            </section>
            """);
        context.Response.Headers.CacheControl = "no-store";
        return WebResults.Page(context, "Two-factor authentication and tokens", body, status);
    }

    /// <summary>Runs one of the page's form actions and shows the page with its outcome.</summary>
    public static async Task<IResult> HandleAsync(WebCredentialPage page, string action)
    {
        var context = page.Http;
        var credentials = context.RequestServices.GetRequiredService<SftpCredentials>();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        switch (action)
        {
            case "totp-start":
            {
                string secret = SftpCredentials.GenerateSecret();
                return await ShowAsync(page, Enrolment(page, secret, null), null, null, StatusCodes.Status200OK);
            }
            case "totp-enable":
            {
                string secret = WebForms.Value(form, "secret") ?? "";
                string code = WebForms.Value(form, "code") ?? "";
                var protocols = page.ChooseProtocols
                    ? SftpTotpProtocols.All.Where(p => WebForms.Checked(form, "protocol-" + p.ToLowerInvariant())).ToList()
                    : [];
                IReadOnlyList<string>? codes = null;
                try
                {
                    codes = code.Length is > 0 and <= WebSignInCode.MaxCodeLength ? await credentials.EnableTotpAsync(page.Owner, secret, code, protocols, context.RequestAborted) : null;
                }
                catch (ArgumentException)
                {
                }
                if (codes is null)
                {
                    await ScoreAsync(context);
                    return await ShowAsync(page, Enrolment(page, secret, "The code does not match; check the time on your device and try again."), null, null,
                        StatusCodes.Status400BadRequest);
                }
                Changed(context, page.Owner, "enabled two-factor authentication");
                return await ShowAsync(page, RecoveryCodes(codes), "Two-factor authentication is on.", null, StatusCodes.Status200OK);
            }
            case "totp-disable":
            {
                string code = WebForms.Value(form, "code") ?? "";
                if (code.Length is 0 or > WebSignInCode.MaxCodeLength || !await credentials.VerifyCodeAsync(page.Owner, code, context.RequestAborted))
                {
                    await ScoreAsync(context);
                    return await ShowAsync(page, Html.Empty, null, "Invalid authentication code.", StatusCodes.Status400BadRequest);
                }
                await credentials.DisableTotpAsync(page.Owner, context.RequestAborted);
                Changed(context, page.Owner, "disabled two-factor authentication");
                return await ShowAsync(page, Html.Empty, "Two-factor authentication is off.", null, StatusCodes.Status200OK);
            }
            case "recovery":
            {
                var codes = await credentials.RegenerateRecoveryCodesAsync(page.Owner, context.RequestAborted);
                if (codes is null)
                {
                    return await ShowAsync(page, Html.Empty, null, "Two-factor authentication is off.", StatusCodes.Status409Conflict);
                }
                Changed(context, page.Owner, "generated recovery codes");
                return await ShowAsync(page, RecoveryCodes(codes), "New recovery codes made; the old ones no longer work.", null, StatusCodes.Status200OK);
            }
            case "token-create":
            {
                var scopes = SftpAccessTokenScopes.None;
                foreach (var (flag, name) in new[] { (SftpAccessTokenScopes.Ssh, "ssh"), (SftpAccessTokenScopes.Web, "web"), (SftpAccessTokenScopes.Api, "api") })
                {
                    if (page.Scopes.HasFlag(flag) && WebForms.Checked(form, "scope-" + name))
                    {
                        scopes |= flag;
                    }
                }
                DateTimeOffset? expires = null;
                if (WebForms.Value(form, "days") is { Length: > 0 } days)
                {
                    if (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 366)
                    {
                        return await ShowAsync(page, Html.Empty, null, "The expiry is 1 to 366 days, or empty for never.", StatusCodes.Status400BadRequest);
                    }
                    var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
                    expires = clock.GetUtcNow().AddDays(n);
                }
                try
                {
                    var (token, secret) = await credentials.CreateTokenAsync(page.Owner, WebForms.Value(form, "name") ?? "", expires, scopes, context.RequestAborted);
                    TokenChanged(context, page.Owner, "created", token.Id);
                    var shown = Html.Of($"""
                        <section class="card" id="new-token"><h2>New token</h2>
                        <p>Copy it now: it is shown only this once.</p><code class="secret" id="token-value">{secret}</code></section>
                        """);
                    return await ShowAsync(page, shown, null, null, StatusCodes.Status200OK);
                }
                catch (ArgumentException ex)
                {
                    return await ShowAsync(page, Html.Empty, null, ex.Message.Split(" (Parameter", 2)[0], StatusCodes.Status400BadRequest);
                }
                catch (InvalidOperationException ex)
                {
                    return await ShowAsync(page, Html.Empty, null, ex.Message, StatusCodes.Status409Conflict);
                }
            }
            case "token-revoke":
            {
                string id = WebForms.Value(form, "id") ?? "";
                var token = SftpCredentials.IsValidTokenId(id) ? await credentials.Store.FindTokenAsync(id, context.RequestAborted) : null;
                if (token is null || token.OwnerKind != page.Owner.Kind || token.OwnerName != page.Owner.Name)
                {
                    return await ShowAsync(page, Html.Empty, null, "No such token.", StatusCodes.Status404NotFound);
                }
                await credentials.Store.DeleteTokenAsync(id, context.RequestAborted);
                TokenChanged(context, page.Owner, "revoked", id);
                return await ShowAsync(page, Html.Empty, "Token revoked.", null, StatusCodes.Status200OK);
            }
            default:
                return WebResults.Error(context, StatusCodes.Status404NotFound);
        }
    }

    private static Html Enrolment(WebCredentialPage page, string secret, string? error)
    {
        var context = page.Http;
        var protocols = page.ChooseProtocols
            ? Html.Of($"""
                <fieldset><legend>Ask for a code when signing in over</legend>
                <label class="check"><input type="checkbox" name="protocol-ssh" id="protocol-ssh" checked> SSH (SFTP, SCP): password, then the code</label>
                <label class="check"><input type="checkbox" name="protocol-http" id="protocol-http" checked> The web client</label>
                </fieldset>
                """)
            : Html.Empty;
        return Html.Of($"""
            <section class="card" id="totp-enrol"><h2>Set up two-factor authentication</h2>
            {Html.If(error is not null, Html.Of($"<p class=\"alert error\" role=\"alert\" id=\"enrol-error\">{error}</p>"))}
            <p>Scan the QR code with an authenticator app, or enter the secret by hand; then enter the code it shows.</p>
            <p><img id="totp-qr" alt="QR code of the secret" width="200" height="200" src="{TotpEnrollment.QrDataUri(page.Owner.Name, secret)}"></p>
            <p>Secret: <code class="secret" id="totp-secret">{secret}</code></p>
            {WebForms.PostForm(context, page.Url("totp-enable"), Html.Of($"""
                <input type="hidden" name="secret" value="{secret}">
                {protocols}
                <label for="enrol-code">Code</label>
                <input type="text" id="enrol-code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="{WebSignInCode.MaxCodeLength}">
                <p><button type="submit" id="totp-enable">Turn on</button></p>
                """), "stack")}
            </section>
            """);
    }

    private static Html RecoveryCodes(IReadOnlyList<string> codes) => Html.Of($"""
        <section class="card" id="recovery"><h2>Recovery codes</h2>
        <p>Keep these somewhere safe: each works once in place of a code, and they are shown only now.</p>
        <ul id="recovery-codes">{Html.Join(codes.Select(c => Html.Of($"<li><code>{c}</code></li>")))}</ul></section>
        """);

    private static Html Time(DateTimeOffset? time) => Html.Text(time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "—");

    private static async Task ScoreAsync(HttpContext context)
    {
        var guard = context.RequestServices.GetRequiredService<AdminLoginGuard>();
        await guard.FailedAsync(context.Connection.RemoteIpAddress, SftpDefenderEvent.InvalidCredentials, countAttempt: true);
    }

    private static void Changed(HttpContext context, SftpCredentialOwner owner, string change)
    {
        var log = context.RequestServices.GetRequiredService<AdminServices>().Logger;
        AdminLog.Changed(log, owner.Name, change, owner);
    }

    private static void TokenChanged(HttpContext context, SftpCredentialOwner owner, string change, string id)
    {
        var log = context.RequestServices.GetRequiredService<AdminServices>().Logger;
        AdminLog.TokenChanged(log, owner.Name, change, id, owner);
    }
}
