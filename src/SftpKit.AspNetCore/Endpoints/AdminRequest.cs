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
            return (null, null, TooLarge(limit));
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
                    return (null, null, TooLarge(limit));
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, TooLarge(limit));
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

    public static IResult TooLarge(long limit) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large", detail: $"The body is larger than the limit of {limit} bytes.");

    public static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "One or more fields are invalid.");

    public static IResult Invalid(ValidationErrors errors) =>
        Results.ValidationProblem(errors.ToDictionary(), title: "One or more fields are invalid.");

    public static IResult NotFound(string what) => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not found", detail: $"The {what} does not exist.");

    public static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "Conflict", detail: detail);

    public static IResult Unavailable(string what) => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Not available", detail: $"This server has no {what}.");
}
