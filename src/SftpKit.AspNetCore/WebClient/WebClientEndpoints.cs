using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// The web client's routes. Reads are GETs; everything that changes something is a POST form with an antiforgery
/// token, answered with a redirect (303) to the page that shows the outcome, or with that page and an error status
/// (403 denied by a policy, 404, 409, 413 ...). Texts shown are generic; details go to the log.
/// </summary>
internal static partial class WebClientEndpoints
{
    private static readonly FileExtensionContentTypeProvider s_types = new();

    public static void Map(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/", (HttpContext c) => Redirect(c, prefix, "files"));
        group.MapGet("/login", (HttpContext c) => LoginPageAsync(c, prefix));
        group.MapPost("/login", (HttpContext c) => LoginAsync(c, prefix));
        group.MapPost("/login/code", (HttpContext c) => LoginCodeAsync(c, prefix));
        group.MapPost("/logout", (HttpContext c) => Signed(c, prefix, null, LogoutAsync));
        group.MapGet("/files", (HttpContext c) => Signed(c, prefix, "files", FilesAsync));
        group.MapGet("/download", (HttpContext c) => Signed(c, prefix, "files", DownloadAsync));
        group.MapGet("/zip", (HttpContext c) => Signed(c, prefix, "files", ZipAsync));
        // The upload checks its antiforgery token itself, as the first part of the streamed body (WebUpload), so the
        // pipeline must not read the whole form to find it.
        group.MapPost("/upload", (HttpContext c) => Signed(c, prefix, "files", UploadAsync)).WithMetadata(WebNoAntiforgeryMetadata.Instance);
        group.MapPost("/mkdir", (HttpContext c) => Signed(c, prefix, "files", MkdirAsync));
        group.MapPost("/rename", (HttpContext c) => Signed(c, prefix, "files", RenameAsync));
        group.MapPost("/delete", (HttpContext c) => Signed(c, prefix, "files", DeleteAsync));
        group.MapGet("/profile", (HttpContext c) => Signed(c, prefix, "profile", ProfileAsync));
        group.MapPost("/profile/password", (HttpContext c) => Signed(c, prefix, "profile", PasswordAsync));
        group.MapPost("/profile/keys", (HttpContext c) => Signed(c, prefix, "profile", AddKeyAsync));
        group.MapPost("/profile/keys/delete", (HttpContext c) => Signed(c, prefix, "profile", RemoveKeyAsync));
        group.MapGet("/security", (HttpContext c) => Signed(c, prefix, null, async r =>
            await (await WebCredentialPages.ShowAsync(Security(r), Html.Empty, null, null, StatusCodes.Status200OK)).ExecuteAsync(c)));
        group.MapPost("/security/{action}", (HttpContext c, string action) => Signed(c, prefix, null, async r =>
            await (await WebCredentialPages.HandleAsync(Security(r), action)).ExecuteAsync(c)));
        MapShares(group, prefix);
    }

    /// <summary>The account holder's two-factor and token page: scopes ssh and web, protocols chosen.</summary>
    private static WebCredentialPage Security(Request request)
    {
        var html = new WebClientHtml(request.Context, request.Prefix);
        return new WebCredentialPage(request.Context, SftpCredentialOwner.User(request.Session.UserName),
            action => html.Url(action is null ? "security" : "security/" + action), SftpAccessTokenScopes.Ssh | SftpAccessTokenScopes.Web, ChooseProtocols: true);
    }

    private sealed record Request(HttpContext Context, string Prefix, WebClientSession Session, SftpWebClientOptions Options)
    {
        public IVirtualFileSystem Files => Session.Files;

        public CancellationToken Aborted => Context.RequestAborted;

        /// <summary>The folder the request is about, shown again with the error if it fails.</summary>
        public string Directory { get; set; } = VirtualPath.Root;
    }

    private static Task Redirect(HttpContext context, string prefix, string route, params (string, string?)[] query)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = new WebClientHtml(context, prefix).Url(route, query);
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs a handler for a signed-in account holder: without a valid session, GETs go to the sign-in page (coming
    /// back afterwards) and other requests too. Refusals become the page of <paramref name="errorPage"/> with the
    /// error, or a bare error page.
    /// </summary>
    private static async Task Signed(HttpContext context, string prefix, string? errorPage, Func<Request, Task> handler)
    {
        var session = await WebClientSession.ResolveAsync(context);
        if (session is null)
        {
            string? back = HttpMethods.IsGet(context.Request.Method) ? context.Request.PathBase + context.Request.Path + context.Request.QueryString : null;
            await Redirect(context, prefix, "login", ("returnUrl", back));
            return;
        }
        var options = context.RequestServices.GetRequiredService<IOptions<SftpWebClientOptions>>().Value;
        var request = new Request(context, prefix, session, options);
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebClientLog.Category);
        WebClientFailure failure;
        try
        {
            await handler(request);
            return;
        }
        catch (AntiforgeryValidationException)
        {
            failure = new WebClientFailure(StatusCodes.Status400BadRequest, "The form has expired; reload the page and try again.");
        }
        catch (WebClientFailure ex)
        {
            failure = ex;
        }
        catch (VfsException ex)
        {
            failure = WebClientFailure.From(ex);
        }
        catch (InvalidDataException) when (!context.RequestAborted.IsCancellationRequested)
        {
            failure = new WebClientFailure("Malformed request."); // e.g. a multipart body past its header limits
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !context.RequestAborted.IsCancellationRequested
            && ex is not Microsoft.AspNetCore.Http.BadHttpRequestException and not IOException)
        {
            string operation = context.Request.Path.Value ?? "";
            WebClientLog.Failure(log, operation, session.UserName, ex);
            failure = new WebClientFailure(StatusCodes.Status500InternalServerError, "The operation failed.");
        }
        string failed = context.Request.Path.Value ?? "";
        WebClientLog.OperationFailed(log, failed, session.UserName, failure.Message);
        if (context.Response.HasStarted)
        {
            context.Abort(); // a download or zip already under way: cut it so the client sees it incomplete
            return;
        }
        // Not Response.Clear(): the pipeline's security headers stay.
        context.Response.Headers.Remove(HeaderNames.ContentDisposition);
        context.Response.ContentLength = null;
        IResult page = errorPage switch
        {
            "files" => await FilesPageAsync(request, request.Directory, null, failure.Message, failure.StatusCode),
            "profile" => ProfilePage(request, null, failure.Message, failure.StatusCode),
            "shares" when Shares(request) is not null => await SharesPageAsync(request, null, failure.Message, failure.StatusCode),
            _ => WebClientPages.Error(context, prefix, session.UserName, failure.StatusCode, failure.Message),
        };
        await page.ExecuteAsync(context);
    }

    private static async Task<IFormCollection> FormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            throw new WebClientFailure(StatusCodes.Status415UnsupportedMediaType, "Send the form as a form.");
        }
        // The area's pipeline (WebPipeline) has checked the antiforgery token of every POST.
        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    private static Task LoginPageAsync(HttpContext context, string prefix)
    {
        if (WebAccess.IsSignedIn(context, WebArea.Of(context)))
        {
            return Redirect(context, prefix, "files");
        }
        string? back = context.Request.Query["returnUrl"];
        return WebClientPages.Login(context, prefix, null, LocalReturn(context, prefix, back), null, StatusCodes.Status200OK).ExecuteAsync(context);
    }

    private static async Task LoginAsync(HttpContext context, string prefix)
    {
        if (!context.Request.HasFormContentType)
        {
            await WebClientPages.Login(context, prefix, null, null, "Invalid username or password.", StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string userName = form["username"].ToString();
        string? back = LocalReturn(context, prefix, form["returnUrl"]);
        var outcome = await context.RequestServices.GetRequiredService<WebClientLogin>().SignInAsync(context, userName, form["password"].ToString());
        if (outcome.Principal is null)
        {
            await WebClientPages.Login(context, prefix, userName, back, outcome.Error, outcome.StatusCode).ExecuteAsync(context);
            return;
        }
        if (outcome.NeedsCode)
        {
            string ticket = context.RequestServices.GetRequiredService<WebPendingSignIns>().Add(CodeArea, outcome.Principal.Identity!.Name!, outcome.Principal);
            await WebSignInCode.Page(context, new WebClientHtml(context, prefix).Url("login/code"), ticket, back, null, StatusCodes.Status200OK).ExecuteAsync(context);
            return;
        }
        await OpenSessionAsync(context, prefix, outcome.Principal, back);
    }

    private const string CodeArea = "webclient";

    /// <summary>The one-time code of a sign-in whose password was right; after three wrong codes the sign-in starts over.</summary>
    private static async Task LoginCodeAsync(HttpContext context, string prefix)
    {
        if (!context.Request.HasFormContentType)
        {
            await WebClientPages.Login(context, prefix, null, null, "Invalid username or password.", StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string ticket = form["ticket"].ToString();
        string? back = LocalReturn(context, prefix, form["returnUrl"]);
        var pending = context.RequestServices.GetRequiredService<WebPendingSignIns>();
        if (pending.Find(ticket, CodeArea) is not { State: ClaimsPrincipal principal } waiting)
        {
            await WebClientPages.Login(context, prefix, null, back, "The sign-in has expired; sign in again.", StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return;
        }
        var (accepted, status) = await context.RequestServices.GetRequiredService<WebClientLogin>().VerifyCodeAsync(context, waiting.UserName, form["code"].ToString());
        if (!accepted)
        {
            var page = status == StatusCodes.Status401Unauthorized && pending.Failed(ticket)
                ? WebSignInCode.Page(context, new WebClientHtml(context, prefix).Url("login/code"), ticket, back, "Invalid authentication code.", status)
                : WebClientPages.Login(context, prefix, waiting.UserName, back, "Invalid authentication code; sign in again.", status);
            await page.ExecuteAsync(context);
            return;
        }
        pending.Remove(ticket);
        await OpenSessionAsync(context, prefix, principal, back);
    }

    private static async Task OpenSessionAsync(HttpContext context, string prefix, ClaimsPrincipal principal, string? back)
    {
        await context.SignInAsync(SftpWebClientDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        if (back is not null)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = back;
            return;
        }
        await Redirect(context, prefix, "files");
    }

    /// <summary>A return address inside the web client, or null: never another site or another part of this one.</summary>
    private static string? LocalReturn(HttpContext context, string prefix, string? url)
    {
        string root = context.Request.PathBase + prefix + "/";
        return url is { Length: < 4096 } && url.StartsWith(root, StringComparison.Ordinal) && !url.Contains("//", StringComparison.Ordinal)
            && !url.Contains('\\', StringComparison.Ordinal) && !url.Any(char.IsControl) ? url : null;
    }

    private static async Task LogoutAsync(Request request)
    {
        await FormAsync(request.Context);
        await WebCookieAuthentication.SignOutAsync(request.Context, SftpWebClientDefaults.AuthenticationScheme);
        await Redirect(request.Context, request.Prefix, "login");
    }

    private static async Task FilesAsync(Request request)
    {
        request.Directory = WebFileNames.Path(request.Context.Request.Query["path"]);
        var info = await request.Files.GetInfoAsync(request.Directory, followLinks: true, request.Aborted);
        if (info.Type != VfsFileType.Directory)
        {
            await Redirect(request.Context, request.Prefix, "download", ("path", request.Directory));
            return;
        }
        var (entries, total) = await WebTree.ListAsync(request.Files, request.Directory, request.Aborted);
        await WebClientPages.Files(request.Context, request.Prefix, request.Session.UserName, request.Directory, entries, total,
            request.Context.Request.Query["done"], null, StatusCodes.Status200OK).ExecuteAsync(request.Context);
    }

    private static async Task<IResult> FilesPageAsync(Request request, string directory, string? done, string? error, int status)
    {
        List<VfsFileInfo>? entries = null;
        int total = 0;
        try
        {
            (entries, total) = await WebTree.ListAsync(request.Files, directory, request.Aborted);
        }
        catch (VfsException)
        {
            // The folder itself is what failed: the page shows the error without a listing.
        }
        return WebClientPages.Files(request.Context, request.Prefix, request.Session.UserName, directory, entries, total, done, error, status);
    }

    private static async Task DownloadAsync(Request request)
    {
        string path = WebFileNames.Path(request.Context.Request.Query["path"]);
        request.Directory = VirtualPath.GetParent(path);
        var info = await request.Files.GetInfoAsync(path, followLinks: true, request.Aborted);
        if (info.Type == VfsFileType.Directory)
        {
            await Redirect(request.Context, request.Prefix, "files", ("path", path));
            return;
        }
        var reader = await request.Files.OpenReadAsync(path, request.Aborted);
        var stream = new VfsReadStream(reader, info.Size);
        string name = VirtualPath.GetName(path);
        string type = s_types.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        var tag = new EntityTagHeaderValue("\"" + info.Size.ToString("x", CultureInfo.InvariantCulture) + "-"
            + info.LastWriteTime.UtcTicks.ToString("x", CultureInfo.InvariantCulture) + "\"");
        request.Context.Response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        request.Context.Response.Headers.CacheControl = "private, no-cache";
        // Always an attachment: content the account holder uploaded never renders as a page of this site.
        await Results.File(stream, type, name, info.LastWriteTime, tag, enableRangeProcessing: true).ExecuteAsync(request.Context);
    }

    private static async Task ZipAsync(Request request)
    {
        request.Directory = WebFileNames.Path(request.Context.Request.Query["path"]);
        var names = request.Context.Request.Query["name"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).Distinct(StringComparer.Ordinal).ToList();
        var log = request.Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebClientLog.Category);
        await WebZip.RunAsync(request.Context, request.Files, request.Directory, names, request.Options,
            (path, ex) => WebClientLog.OperationFailed(log, "zip entry", request.Session.UserName, ex is VfsException v ? v.Error.ToString() : "failed"));
    }

    private static async Task UploadAsync(Request request)
    {
        request.Directory = WebFileNames.Path(request.Context.Request.Query["path"]);
        await WebUpload.RunAsync(request.Context, request.Files, request.Directory, request.Options);
        await Redirect(request.Context, request.Prefix, "files", ("path", request.Directory), ("done", "uploaded"));
    }

    private static async Task MkdirAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        request.Directory = WebFileNames.Path(form["path"]);
        await request.Files.CreateDirectoryAsync(VirtualPath.Combine(request.Directory, WebFileNames.Name(form["name"])), request.Aborted);
        await Redirect(request.Context, request.Prefix, "files", ("path", request.Directory), ("done", "folder"));
    }

    private static async Task RenameAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        request.Directory = WebFileNames.Path(form["path"]);
        string from = WebFileNames.Name(form["from"]);
        string to = WebFileNames.Name(form["to"]);
        if (from != to)
        {
            await request.Files.RenameAsync(VirtualPath.Combine(request.Directory, from), VirtualPath.Combine(request.Directory, to), overwrite: false, request.Aborted);
        }
        await Redirect(request.Context, request.Prefix, "files", ("path", request.Directory), ("done", "renamed"));
    }

    private static async Task DeleteAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        request.Directory = WebFileNames.Path(form["path"]);
        await WebTree.DeleteAsync(request.Files, VirtualPath.Combine(request.Directory, WebFileNames.Name(form["name"])), request.Options.MaxTreeDepth, request.Aborted);
        await Redirect(request.Context, request.Prefix, "files", ("path", request.Directory), ("done", "deleted"));
    }

    private static bool PasswordAllowed(Request request) => request.Options.AllowPasswordChange
        && !request.Session.Account.DeniedLoginMethods.Contains("password", StringComparer.Ordinal);

    private static bool KeysAllowed(Request request) => request.Options.AllowPublicKeyChange
        && !request.Session.Account.DeniedLoginMethods.Contains("publickey", StringComparer.Ordinal);

    private static IResult ProfilePage(Request request, string? done, string? error, int status) =>
        WebClientPages.Profile(request.Context, request.Prefix, request.Session.UserName, PasswordAllowed(request), KeysAllowed(request),
            request.Session.Account.PublicKeys, done, error, status);

    private static Task ProfileAsync(Request request) =>
        ProfilePage(request, request.Context.Request.Query["done"], null, StatusCodes.Status200OK).ExecuteAsync(request.Context);

    private static async Task PasswordAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        if (!PasswordAllowed(request))
        {
            throw new WebClientFailure(StatusCodes.Status403Forbidden, "This account may not change its password here.");
        }
        var guard = request.Context.RequestServices.GetRequiredService<AdminLoginGuard>();
        var remote = request.Context.Connection.RemoteIpAddress;
        if (await guard.AdmitAsync(remote, countAttempt: true, request.Aborted) is { } refusal)
        {
            throw new WebClientFailure(refusal.StatusCode, "Too many attempts; try again later.");
        }
        var account = request.Session.Account;
        string current = form["current"].ToString();
        if (account.PasswordHash is not { Length: > 0 } hash || System.Text.Encoding.UTF8.GetByteCount(current) > SftpPasswordHasher.MaxPasswordBytes
            || SftpPasswordHasher.Verify(hash, current) == PasswordVerificationResult.Failed)
        {
            await guard.FailedAsync(remote, SftpKit.SftpDefenderEvent.InvalidCredentials, countAttempt: false);
            throw new WebClientFailure(StatusCodes.Status403Forbidden, "The current password is wrong.");
        }
        string fresh = form["new"].ToString();
        if (fresh != form["confirm"].ToString())
        {
            throw new WebClientFailure("The new passwords differ.");
        }
        if (fresh.Length < request.Options.MinPasswordLength || System.Text.Encoding.UTF8.GetByteCount(fresh) > SftpPasswordHasher.MaxPasswordBytes)
        {
            throw new WebClientFailure($"The new password must have at least {request.Options.MinPasswordLength} characters and at most {SftpPasswordHasher.MaxPasswordBytes} bytes.");
        }
        if (!SftpPasswordStrength.IsStrongEnough(fresh, account.PasswordStrength))
        {
            throw new WebClientFailure("The new password is too weak: make it longer or mix letters, digits and symbols.");
        }
        account.PasswordHash = SftpPasswordHasher.Hash(fresh);
        account.PasswordChangedAt = (request.Context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        await UpdateAsync(request, account);
        // This session goes on with the new stamp; every other session of the account ends.
        await request.Context.SignInAsync(SftpWebClientDefaults.AuthenticationScheme,
            WebClientLogin.Identity(account.UserName, account.PasswordHash, request.Session.SessionId), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
        var log = Log(request);
        WebClientLog.ProfileChanged(log, account.UserName, "password");
        await Redirect(request.Context, request.Prefix, "profile", ("done", "password"));
    }

    private static async Task AddKeyAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        if (!KeysAllowed(request))
        {
            throw new WebClientFailure(StatusCodes.Status403Forbidden, "This account may not change its keys here.");
        }
        string line = form["key"].ToString().Trim();
        if (line.Length > 16 * 1024 || line.Contains('\n', StringComparison.Ordinal) || !SshPublicKey.TryParseAuthorizedKey(line, out var key) || key.Certificate is not null)
        {
            throw new WebClientFailure("That is not a public key in authorized_keys form.");
        }
        var account = request.Session.Account;
        if (account.PublicKeys.Any(k => SshPublicKey.TryParseAuthorizedKey(k, out var have) && have.Equals(key)))
        {
            throw new WebClientFailure(StatusCodes.Status409Conflict, "That key is already there.");
        }
        if (account.PublicKeys.Count >= request.Options.MaxPublicKeys)
        {
            throw new WebClientFailure(StatusCodes.Status413PayloadTooLarge, $"At most {request.Options.MaxPublicKeys} keys.");
        }
        account.PublicKeys.Add(key.ToString());
        await UpdateAsync(request, account);
        var log = Log(request);
        WebClientLog.ProfileChanged(log, account.UserName, "keys");
        await Redirect(request.Context, request.Prefix, "profile", ("done", "key-added"));
    }

    private static async Task RemoveKeyAsync(Request request)
    {
        var form = await FormAsync(request.Context);
        if (!KeysAllowed(request))
        {
            throw new WebClientFailure(StatusCodes.Status403Forbidden, "This account may not change its keys here.");
        }
        var account = request.Session.Account;
        if (!int.TryParse(form["index"], NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= account.PublicKeys.Count
            || WebClientLogin.Stamp(account.PublicKeys[index]) != form["key"].ToString())
        {
            throw new WebClientFailure(StatusCodes.Status409Conflict, "The keys changed meanwhile; try again.");
        }
        account.PublicKeys.RemoveAt(index);
        await UpdateAsync(request, account);
        var log = Log(request);
        WebClientLog.ProfileChanged(log, account.UserName, "keys");
        await Redirect(request.Context, request.Prefix, "profile", ("done", "key-removed"));
    }

    private static async Task UpdateAsync(Request request, SftpAccount account)
    {
        if (!await request.Context.RequestServices.GetRequiredService<ISftpUserStore>().UpdateAsync(account, request.Aborted))
        {
            throw new WebClientFailure(StatusCodes.Status404NotFound, "The account no longer exists.");
        }
    }

    private static ILogger Log(Request request) => request.Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebClientLog.Category);
}
