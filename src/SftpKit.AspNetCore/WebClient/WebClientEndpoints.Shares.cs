using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Shares;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// The account holder's share links (<c>shares</c>): the list, the creation form (<c>shares/new?path=</c>, the paths
/// prefilled from the file browser's "Share" action) and the revocation. Only when the host registered
/// <see cref="ShareService"/> (<c>AddSftpShares()</c>); otherwise the pages answer 404 and the navigation hides them.
/// </summary>
internal static partial class WebClientEndpoints
{
    /// <summary>At most this many of the account's shares are listed.</summary>
    internal const int MaxListedShares = 500;

    private static void MapShares(RouteGroupBuilder group, string prefix)
    {
        group.MapGet("/shares", (HttpContext c) => Signed(c, prefix, "shares", SharesAsync));
        group.MapGet("/shares/new", (HttpContext c) => Signed(c, prefix, null, NewShareAsync));
        group.MapPost("/shares", (HttpContext c) => Signed(c, prefix, null, CreateShareAsync));
        group.MapPost("/shares/delete", (HttpContext c) => Signed(c, prefix, "shares", DeleteShareAsync));
    }

    private static ShareService? Shares(Request request) => request.Context.RequestServices.GetService<ShareService>();

    private static ShareService RequireShares(Request request) =>
        Shares(request) ?? throw new WebClientFailure(StatusCodes.Status404NotFound, "There is no such page.");

    /// <summary>The absolute URL of a share's public link (the request's scheme, host and path base), or null when links are not mapped.</summary>
    private static string? LinkUrl(HttpContext context, ShareService service, SftpShare share) =>
        service.GetLinkPath(share) is { } path ? context.Request.Scheme + "://" + context.Request.Host.ToUriComponent() + context.Request.PathBase + path : null;

    private static async Task<IResult> SharesPageAsync(Request request, string? created, string? error, int status)
    {
        var service = RequireShares(request);
        var shares = new List<WebClientSharePages.Row>();
        bool more = false;
        await foreach (var share in service.ListAsync(request.Session.UserName, request.Aborted))
        {
            if (shares.Count == MaxListedShares)
            {
                more = true;
                break;
            }
            shares.Add(new WebClientSharePages.Row(share, LinkUrl(request.Context, service, share)));
        }
        var fresh = created is null ? null : shares.Find(r => r.Share.Id == created);
        return WebClientSharePages.List(request.Context, request.Prefix, shares, more, fresh, request.Context.Request.Query["done"], error, status);
    }

    private static async Task SharesAsync(Request request)
    {
        string? created = request.Context.Request.Query["created"];
        await (await SharesPageAsync(request, created, null, StatusCodes.Status200OK)).ExecuteAsync(request.Context);
    }

    private static Task NewShareAsync(Request request)
    {
        RequireShares(request);
        var paths = request.Context.Request.Query["path"].Where(p => !string.IsNullOrEmpty(p)).Select(p => WebFileNames.Path(p)).Distinct(StringComparer.Ordinal)
            .Take(SftpShare.MaxPaths).ToList();
        var form = new WebClientSharePages.Form
        {
            Name = paths.Count == 1 && paths[0] != VirtualPath.Root ? VirtualPath.GetName(paths[0]) : "",
            Paths = string.Join('\n', paths),
        };
        return WebClientSharePages.New(request.Context, request.Prefix, form, null, StatusCodes.Status200OK).ExecuteAsync(request.Context);
    }

    private static async Task CreateShareAsync(Request request)
    {
        var service = RequireShares(request);
        var fields = await FormAsync(request.Context);
        var form = new WebClientSharePages.Form
        {
            Name = WebForms.Value(fields, "name") ?? "",
            Paths = WebForms.Value(fields, "paths") ?? "",
            Scope = WebForms.Value(fields, "scope") ?? "1",
            Expires = WebForms.Value(fields, "expires") ?? "",
            MaxTokens = WebForms.Value(fields, "max_tokens") ?? "",
            AllowFrom = WebForms.Value(fields, "allow_from") ?? "",
        };
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var definition = new ShareDefinition
        {
            Name = form.Name,
            Paths = WebForms.Lines(fields, "paths"),
            AllowFrom = WebForms.Lines(fields, "allow_from"),
            Password = WebForms.RawValue(fields, "password"),
        };
        if (int.TryParse(form.Scope, NumberStyles.None, CultureInfo.InvariantCulture, out int scope) && Enum.IsDefined((SftpShareScope)scope))
        {
            definition.Scope = (SftpShareScope)scope;
        }
        else
        {
            errors["scope"] = ["Choose what the link allows."];
        }
        if (form.Expires.Length > 0)
        {
            // A date: the link works through the end of that day (UTC).
            if (DateOnly.TryParseExact(form.Expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                definition.ExpiresAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
            }
            else
            {
                errors["expires_at"] = ["The expiry is a date (YYYY-MM-DD)."];
            }
        }
        if (form.MaxTokens.Length > 0)
        {
            if (int.TryParse(form.MaxTokens, NumberStyles.None, CultureInfo.InvariantCulture, out int tokens))
            {
                definition.MaxTokens = tokens;
            }
            else
            {
                errors["max_tokens"] = ["The token limit is a whole number, 0 for none."];
            }
        }
        if (errors.Count == 0)
        {
            var result = await service.CreateAsync(request.Session.UserName, definition, request.Aborted);
            if (result.Succeeded)
            {
                await Redirect(request.Context, request.Prefix, "shares", ("done", "share-created"), ("created", result.Share!.Id));
                return;
            }
            if (result.NotFound)
            {
                throw new WebClientFailure(StatusCodes.Status404NotFound, "The account no longer exists.");
            }
            errors = result.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        }
        await WebClientSharePages.New(request.Context, request.Prefix, form, errors, StatusCodes.Status400BadRequest).ExecuteAsync(request.Context);
    }

    private static async Task DeleteShareAsync(Request request)
    {
        var service = RequireShares(request);
        var fields = await FormAsync(request.Context);
        string id = WebForms.Value(fields, "id") ?? "";
        if (!await service.DeleteAsync(request.Session.UserName, id, request.Aborted))
        {
            throw new WebClientFailure(StatusCodes.Status404NotFound, "No such share.");
        }
        await Redirect(request.Context, request.Prefix, "shares", ("done", "share-deleted"));
    }
}
