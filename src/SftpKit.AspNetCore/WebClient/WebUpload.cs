using System.Buffers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// Streams a <c>multipart/form-data</c> upload of one or several files straight into storage: each file part is
/// copied through one 64 KiB buffer into an atomic <see cref="IVfsWriter"/> (the file appears under its name only
/// when its part ended and was stored whole; a refused, failed or aborted part leaves nothing behind). The request
/// body is never buffered, so the size of a file is bounded only by the account's policies. The antiforgery token
/// must come as a form field before the first file part (the upload form puts it first).
/// </summary>
internal static class WebUpload
{
    private const int BufferSize = 64 * 1024;
    private const int MaxFieldLength = 8 * 1024;

    /// <summary>Stores the files of the request in <paramref name="directory"/>; returns how many were stored.</summary>
    public static async Task<int> RunAsync(HttpContext context, IVirtualFileSystem files, string directory, SftpWebClientOptions options)
    {
        var ct = context.RequestAborted;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // the policies bound each file, not the transport
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw new WebClientFailure(StatusCodes.Status415UnsupportedMediaType, "Send the files as multipart/form-data.");
        }
        var reader = new MultipartReader(boundary, context.Request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        bool verified = false;
        int stored = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                {
                    throw new WebClientFailure("Malformed upload.");
                }
                if (!disposition.IsFileDisposition())
                {
                    string field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    string value = await ReadFieldAsync(section.Body, ct);
                    var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
                    string? header = context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.HeaderName;
                    if (!verified && header is not null && field == context.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.FormFieldName)
                    {
                        context.Request.Headers[header] = value;
                        await antiforgery.ValidateRequestAsync(context);
                        verified = true;
                    }
                    continue;
                }
                if (!verified)
                {
                    throw new AntiforgeryValidationException("The antiforgery token must precede the files.");
                }
                string fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "";
                if (fileName.Length == 0)
                {
                    await section.Body.CopyToAsync(Stream.Null, ct); // an empty file input
                    continue;
                }
                if (stored >= options.MaxUploadFiles)
                {
                    throw new WebClientFailure(StatusCodes.Status413PayloadTooLarge, $"At most {options.MaxUploadFiles} files per upload.");
                }
                string path = VirtualPath.Combine(directory, WebFileNames.UploadName(fileName));
                await StoreAsync(files, path, section.Body, buffer, ct);
                stored++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!verified)
        {
            throw new AntiforgeryValidationException("No antiforgery token.");
        }
        return stored;
    }

    private static async Task StoreAsync(IVirtualFileSystem files, string path, Stream body, byte[] buffer, CancellationToken ct)
    {
        await using var writer = await files.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true, Atomic = true }, ct);
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
        {
            await writer.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await writer.CompleteAsync(ct);
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true);
        char[] chars = new char[MaxFieldLength + 1];
        int total = 0;
        int read;
        while (total <= MaxFieldLength && (read = await reader.ReadAsync(chars.AsMemory(total), ct)) > 0)
        {
            total += read;
        }
        if (total > MaxFieldLength)
        {
            throw new WebClientFailure("Malformed upload.");
        }
        return new string(chars, 0, total);
    }
}
