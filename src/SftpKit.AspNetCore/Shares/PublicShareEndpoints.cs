using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// The public side of shares, under the prefix of <c>MapSftpShares</c> (e.g. <c>/web/client/pubshares</c>):
/// <list type="bullet">
/// <item><c>GET /{id}?path=</c>: the share's page (or its password form);</item>
/// <item><c>POST /{id}/login</c>: the password form (antiforgery-checked); sets the share's session cookie;</item>
/// <item><c>GET /{id}/dirs?path=</c>: a folder's entries as JSON (read scopes);</item>
/// <item><c>GET /{id}/files?path=</c>: one file, streamed, with range requests, as an attachment (read scopes; one token);</item>
/// <item><c>GET /{id}/zip?path=</c>: a folder, or the whole share, as a streamed zip (read scopes; one token);</item>
/// <item><c>POST /{id}/upload?path=</c>: <c>multipart/form-data</c> files streamed into the shared folder (write
/// scopes; one token per request, spent when the first file begins).</item>
/// </list>
/// A password can also come as HTTP Basic credentials (any user name), for scripts. Everything runs in the owner's
/// file system through the session pipeline: their permissions, filters, quota, bandwidth and events apply.
/// </summary>
internal static class PublicShareEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var area = new WebArea(WebArea.NormalizePrefix(prefix), null, "SftpKit", null);
        var group = endpoints.MapGroup(area.Prefix);
        group.ExcludeFromDescription();
        WebPipeline.Apply(group, area);
        group.MapGet("/{id}", PageAsync);
        group.MapPost("/{id}/login", LoginAsync);
        group.MapGet("/{id}/dirs", DirsAsync);
        group.MapGet("/{id}/files", FileAsync);
        group.MapGet("/{id}/zip", ZipAsync);
        group.MapPost("/{id}/upload", UploadAsync).WithMetadata(WebNoAntiforgeryMetadata.Instance);
        return group;
    }

    private static string SharePath(HttpContext context, string id) =>
        context.Request.PathBase + WebArea.Of(context).Url(Uri.EscapeDataString(id));

    private static async Task<IResult> PageAsync(string id, HttpContext context, ShareAccess access, string? path, int? uploaded)
    {
        var (grant, denial, refusal) = await access.AuthorizeAsync(context, id);
        if (grant is null)
        {
            return denial switch
            {
                ShareDenial.PasswordRequired when refusal is AspNetCore.Authentication.AdminLoginRefusal => refusal,
                ShareDenial.PasswordRequired => SharePages.Password(context, id, wrong: refusal is not null),
                _ => SharePages.Denied(context, denial!.Value),
            };
        }
        var share = grant.Share;
        var location = Resolve(share, share.Scope == SftpShareScope.Write ? null : path);
        if (location is null)
        {
            return SharePages.Denied(context, ShareDenial.NotFound);
        }
        var entries = new List<VfsFileInfo>();
        string? file = null;
        if (share.Scope != SftpShareScope.Write)
        {
            try
            {
                var fileSystem = await access.Owners.OpenAsync(grant.Owner, SessionId(share), Remote(context), context.RequestAborted);
                if (!location.IsVirtualRoot && (await fileSystem.GetInfoAsync(location.OwnerPath!, true, context.RequestAborted)).Type != VfsFileType.Directory)
                {
                    // A file (a share of one file, or a file's path): its page lists just that file.
                    var info = await fileSystem.GetInfoAsync(location.OwnerPath!, true, context.RequestAborted);
                    entries.Add(info with { Name = VirtualPath.GetName(location.OwnerPath!) });
                    file = location.SharePath;
                }
                else
                {
                    await foreach (var entry in ShareTree.ListAsync(fileSystem, share, location, context.RequestAborted))
                    {
                        entries.Add(entry);
                        if (entries.Count >= MaxListed)
                        {
                            break;
                        }
                    }
                }
            }
            catch (VfsException ex)
            {
                return SharePages.FileSystemError(context, ex);
            }
        }
        return SharePages.Browse(context, share, location, entries, file, Math.Max(0, uploaded ?? 0));
    }

    /// <summary>Most entries a page or <c>dirs</c> answer lists: 10,000.</summary>
    public const int MaxListed = 10_000;

    private static async Task<IResult> LoginAsync(string id, HttpContext context, ShareAccess access)
    {
        var (grant, denial) = await access.FindAsync(context, id);
        if (grant is null)
        {
            return SharePages.Denied(context, denial);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string password = WebForms.RawValue(form, "password") ?? string.Empty;
        if (grant.Share.PasswordHash is null)
        {
            return Results.Redirect(SharePath(context, id), permanent: false);
        }
        var refusal = await access.CheckPasswordAsync(context, grant.Share, password);
        if (refusal is not null)
        {
            return refusal is AspNetCore.Authentication.AdminLoginRefusal ? refusal : SharePages.Password(context, id, wrong: true);
        }
        access.SignIn(context, grant.Share, SharePath(context, id));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = SharePath(context, id);
        return Results.Empty;
    }

    private static async Task<IResult> DirsAsync(string id, HttpContext context, ShareAccess access, string? path)
    {
        var (grant, location, failure) = await OpenReadAsync(context, access, id, path);
        if (failure is not null)
        {
            return failure;
        }
        try
        {
            var fileSystem = await access.Owners.OpenAsync(grant!.Owner, SessionId(grant.Share), Remote(context), context.RequestAborted);
            var list = new List<object>();
            await foreach (var entry in ShareTree.ListAsync(fileSystem, grant.Share, location!, context.RequestAborted))
            {
                list.Add(new
                {
                    name = entry.Name,
                    type = entry.Type == VfsFileType.Directory ? "dir" : "file",
                    size = entry.Size,
                    last_modified = entry.LastWriteTime.ToUnixTimeMilliseconds(),
                });
                if (list.Count >= MaxListed)
                {
                    break;
                }
            }
            return Results.Json(list);
        }
        catch (VfsException ex)
        {
            return SharePages.FileSystemError(context, ex);
        }
    }

    private static async Task<IResult> FileAsync(string id, HttpContext context, ShareAccess access, string? path)
    {
        var (grant, location, failure) = await OpenReadAsync(context, access, id, path);
        if (failure is not null)
        {
            return failure;
        }
        if (location!.IsVirtualRoot)
        {
            return SharePages.Denied(context, ShareDenial.NotFound);
        }
        IVfsReader? reader = null;
        try
        {
            var fileSystem = await access.Owners.OpenAsync(grant!.Owner, SessionId(grant.Share), Remote(context), context.RequestAborted);
            var info = await fileSystem.GetInfoAsync(location.OwnerPath!, true, context.RequestAborted);
            if (info.Type != VfsFileType.File)
            {
                return SharePages.Message(context, StatusCodes.Status400BadRequest, "Not a file", "Download a folder as a zip.");
            }
            // A range request spends a token too: resuming a download is another use of the link.
            if (!await access.UseAsync(grant.Share, context.RequestAborted))
            {
                return SharePages.Denied(context, ShareDenial.Exhausted);
            }
            reader = await fileSystem.OpenReadAsync(location.OwnerPath!, context.RequestAborted);
            var stream = new VfsReadStream(reader, info.Size);
            reader = null;
            context.Response.Headers.CacheControl = "no-store";
            return Results.Stream(stream, "application/octet-stream", VirtualPath.GetName(location.OwnerPath!), info.LastWriteTime, enableRangeProcessing: true);
        }
        catch (VfsException ex)
        {
            return SharePages.FileSystemError(context, ex);
        }
        finally
        {
            if (reader is not null)
            {
                await reader.DisposeAsync();
            }
        }
    }

    private static async Task<IResult> ZipAsync(string id, HttpContext context, ShareAccess access, string? path)
    {
        var (grant, location, failure) = await OpenReadAsync(context, access, id, path);
        if (failure is not null)
        {
            return failure;
        }
        try
        {
            var fileSystem = await access.Owners.OpenAsync(grant!.Owner, SessionId(grant.Share), Remote(context), context.RequestAborted);
            if (!location!.IsVirtualRoot && (await fileSystem.GetInfoAsync(location.OwnerPath!, true, context.RequestAborted)).Type != VfsFileType.Directory)
            {
                return SharePages.Message(context, StatusCodes.Status400BadRequest, "Not a folder", "Only folders are zipped; download a file as it is.");
            }
            if (!await access.UseAsync(grant.Share, context.RequestAborted))
            {
                return SharePages.Denied(context, ShareDenial.Exhausted);
            }
            string name = location.IsVirtualRoot || location.SharePath == VirtualPath.Root ? "share" : VirtualPath.GetName(location.SharePath);
            await ShareZip.WriteAsync(context, fileSystem, grant.Share, location, name + ".zip");
            return Results.Empty;
        }
        catch (VfsException ex) when (!context.Response.HasStarted)
        {
            return SharePages.FileSystemError(context, ex);
        }
    }

    private static async Task<IResult> UploadAsync(string id, HttpContext context, ShareAccess access, string? path)
    {
        var (grant, denial, refusal) = await access.AuthorizeAsync(context, id);
        if (grant is null)
        {
            return refusal ?? SharePages.Denied(context, denial!.Value);
        }
        var share = grant.Share;
        if (share.Scope == SftpShareScope.Read)
        {
            return SharePages.Message(context, StatusCodes.Status403Forbidden, "Not allowed", "This link does not take uploads.");
        }
        var location = Resolve(share, share.Scope == SftpShareScope.Write ? null : path);
        if (location is null || location.IsVirtualRoot)
        {
            return SharePages.Denied(context, ShareDenial.NotFound);
        }
        try
        {
            var fileSystem = await access.Owners.OpenAsync(grant.Owner, SessionId(share), Remote(context), context.RequestAborted);
            if ((await fileSystem.GetInfoAsync(location.OwnerPath!, true, context.RequestAborted)).Type != VfsFileType.Directory)
            {
                return SharePages.Message(context, StatusCodes.Status400BadRequest, "Not a folder", "Files are uploaded into a folder.");
            }
            // The share's session cookie is the only credential a browser sends by itself, so a request carrying it
            // must prove it comes from the share's own page (the form's antiforgery field, before any file).
            var antiforgery = ShareAccess.HasSessionCookie(context, share) ? context.RequestServices.GetRequiredService<IAntiforgery>() : null;
            var options = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
            // The token is spent when the first file begins, so a refused or empty post costs none.
            var written = await ShareUpload.ReceiveAsync(context, fileSystem, location.OwnerPath!, antiforgery, options,
                () => access.UseAsync(share, context.RequestAborted));
            if (written is null)
            {
                return SharePages.Denied(context, ShareDenial.Exhausted);
            }
            bool wantsHtml = context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
            if (!wantsHtml)
            {
                return Results.Json(new { uploaded = written }, statusCode: StatusCodes.Status201Created);
            }
            string back = SharePath(context, id) + "?uploaded=" + written.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (share.Scope == SftpShareScope.ReadWrite ? "&path=" + Uri.EscapeDataString(location.SharePath) : "");
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = back;
            return Results.Empty;
        }
        catch (VfsException ex)
        {
            return SharePages.FileSystemError(context, ex);
        }
        catch (AntiforgeryValidationException)
        {
            return WebResults.Error(context, StatusCodes.Status400BadRequest);
        }
        catch (InvalidDataException)
        {
            return SharePages.Message(context, StatusCodes.Status400BadRequest, "Request refused", "The upload could not be read.");
        }
    }

    /// <summary>Authorization, the read scope and the path, for the read endpoints.</summary>
    private static async Task<(ShareGrant? Grant, ShareLocation? Location, IResult? Failure)> OpenReadAsync(HttpContext context, ShareAccess access, string id, string? path)
    {
        var (grant, denial, refusal) = await access.AuthorizeAsync(context, id);
        if (grant is null)
        {
            return (null, null, refusal ?? SharePages.Denied(context, denial!.Value));
        }
        if (grant.Share.Scope == SftpShareScope.Write)
        {
            return (null, null, SharePages.Message(context, StatusCodes.Status403Forbidden, "Not allowed", "This link only takes uploads."));
        }
        var location = Resolve(grant.Share, path);
        return location is null ? (null, null, SharePages.Denied(context, ShareDenial.NotFound)) : (grant, location, null);
    }

    private static ShareLocation? Resolve(SftpShare share, string? path)
    {
        try
        {
            return ShareTree.Resolve(share, path);
        }
        catch (VfsException)
        {
            return null; // control characters or an overlong path
        }
    }

    private static string SessionId(SftpShare share) => "share:" + share.Id;

    private static string? Remote(HttpContext context) => ShareAccess.RemoteAddress(context)?.ToString();
}
