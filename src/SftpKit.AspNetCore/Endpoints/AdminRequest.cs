using System.Buffers;
using System.Net.Mime;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Endpoints;

/// <summary>Reads request bodies with a hard size limit and answers problems in RFC 7807 form.</summary>
internal static class AdminRequest
{
    /// <summary>The authenticated admin's name for logs (null when the host's own authentication has none).</summary>
    public static string? Actor(HttpContext context) => context.User.Identity?.Name;

    /// <summary>
    /// Reads the whole body (at most <paramref name="limit"/> bytes) as a JSON node. On failure returns an
    /// <see cref="IResult"/> with the problem: 413 too large, 415 not JSON, 400 malformed.
    /// </summary>
    public static async Task<(JsonNode? Node, byte[]? Bytes, IResult? Problem)> ReadJsonAsync(HttpContext context, long limit, bool allowEmpty = false)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            return (null, null, TooLarge(context, limit));
        }
        if (request.ContentLength is null or > 0 && !IsJson(request.ContentType))
        {
            if (!(allowEmpty && request.ContentLength is null && request.ContentType is null))
            {
                return (null, null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Unsupported media type", detail: "The body must be JSON (Content-Type: application/json)."));
            }
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Let the server read one byte past the limit so the limit below, not the server's, decides.
            sizeFeature.MaxRequestBodySize = limit + 1;
        }
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                int read = await request.Body.ReadAsync(memory, context.RequestAborted);
                if (read == 0)
                {
                    break;
                }
                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return (null, null, TooLarge(context, limit));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, TooLarge(context, limit));
        }
        if (buffer.WrittenCount == 0)
        {
            return allowEmpty ? (null, [], null) : (null, null, Invalid("body", "A JSON body is required."));
        }
        byte[] bytes = buffer.WrittenSpan.ToArray();
        try
        {
            var node = JsonNode.Parse(bytes, AdminJson.NodeOptions, AdminJson.DocumentOptions);
            return node is null ? (null, null, Invalid("body", "A JSON body is required.")) : (node, bytes, null);
        }
        catch (JsonException ex)
        {
            return (null, null, Invalid(AdminJson.FieldFromPath(ex.Path, ""), "The body is not valid JSON."));
        }
    }

    /// <summary>
    /// Reads <c>offset</c> and <c>limit</c> query values (kept as text so a wrong type is a field error, not a bare
    /// 400): offset ≥ 0 (default 0), limit 1–<paramref name="maxPage"/> (default min(100, max)).
    /// </summary>
    public static (int Skip, int Take) Paging(string? offset, string? limit, int maxPage, ValidationErrors errors)
    {
        int skip = 0, take = Math.Min(100, maxPage);
        if (offset is not null && (!int.TryParse(offset, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            errors.Add("offset", "Must be a non-negative integer.");
        }
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out take) || take < 1 || take > maxPage))
        {
            errors.Add("limit", $"Must be an integer between 1 and {maxPage}.");
        }
        return (skip, take);
    }

    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }
        string media = contentType.Split(';', 2)[0].Trim();
        return media.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// 413 problem details. The rest of the body is never read (the group's size limit stops the server from draining
    /// it), so the connection closes after the answer: say so, or a client reusing the connection loses its next request.
    /// </summary>
    public static IResult TooLarge(HttpContext context, long limit)
    {
        context.Response.Headers.Connection = "close";
        return TooLarge(limit);
    }

    public static IResult TooLarge(long limit) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"The body is larger than the limit of {limit} bytes.");

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "One or more fields are invalid.");

    public static IResult Invalid(ValidationErrors errors) =>
        Results.ValidationProblem(errors.ToDictionary(), title: "One or more fields are invalid.");

    public static IResult NotFound(string what) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not found", detail: $"The {what} does not exist.");

    public static IResult Forbidden(string detail) => Results.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden", detail: detail);

    public static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Conflict", detail: detail);

    public static IResult Unavailable(string what) => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Not available", detail: $"This server has no {what}.");
}
