using System.Buffers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// Files of a <c>multipart/form-data</c> upload written into a folder as they arrive: each file part is copied in
/// 64 KiB pieces to a writer of the owner's file system (so its permissions, filters, quota and events apply, and
/// an atomic writer leaves no partial file behind on failure); nothing is buffered whole. The request body has no
/// size limit of its own here: the owner's quota and upload size limit bound it. Part headers are limited to
/// 16 KiB, form fields to 8 KiB; a file name is its last path segment, 1–255 characters without control characters.
/// When <c>antiforgery</c> is given, the form's antiforgery field must come before the first file and be valid.
/// </summary>
internal static class ShareUpload
{
    private const int BufferSize = 64 * 1024;
    private const int MaxFieldBytes = 8 * 1024;

    /// <summary>
    /// Writes every file part into <paramref name="folder"/>; returns the names written, or null when
    /// <paramref name="beforeFirstFile"/> (called once, after the antiforgery check, when the first file begins:
    /// spending the link's token) said no.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is not multipart/form-data or a file name is not acceptable.</exception>
    /// <exception cref="VfsException">The file system refused a file.</exception>
    public static async Task<List<string>?> ReceiveAsync(HttpContext context, IVirtualFileSystem fileSystem, string folder,
        IAntiforgery? antiforgery, AntiforgeryOptions antiforgeryOptions, Func<ValueTask<bool>> beforeFirstFile)
    {
        bool verified = antiforgery is null;
        var ct = context.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            throw new InvalidDataException("Expected multipart/form-data.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // the owner's quota bounds uploads, not the server's default 30 MB
        }
        var reader = new MultipartReader(boundary, context.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        var written = new List<string>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    throw new InvalidDataException("A part has no Content-Disposition.");
                }
                if (!disposition.IsFileDisposition())
                {
                    string field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                    string value = await ReadFieldAsync(section.Body, ct);
                    if (!verified && antiforgeryOptions.HeaderName is { } header && field == antiforgeryOptions.FormFieldName)
                    {
                        // Validated as if sent as the header, so the antiforgery service does not read (buffer) the body.
                        context.Request.Headers[header] = value;
                        await antiforgery!.ValidateRequestAsync(context);
                        verified = true;
                    }
                    continue;
                }
                if (!verified)
                {
                    throw new AntiforgeryValidationException("The antiforgery field must come before the files.");
                }
                if (string.IsNullOrEmpty(disposition.FileName.Value) && string.IsNullOrEmpty(disposition.FileNameStar.Value))
                {
                    await section.Body.CopyToAsync(Stream.Null, ct); // an empty file input
                    continue;
                }
                if (written.Count == 0 && !await beforeFirstFile())
                {
                    return null;
                }
                string name = FileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value);
                string path = VirtualPath.Combine(folder, name);
                await using var writer = await fileSystem.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true }, ct);
                int read;
                while ((read = await section.Body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                await writer.CompleteAsync(ct);
                written.Add(name);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!verified)
        {
            throw new AntiforgeryValidationException("No antiforgery field.");
        }
        return written;
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        byte[] field = new byte[MaxFieldBytes + 1];
        int total = 0;
        int read;
        while (total <= MaxFieldBytes && (read = await body.ReadAsync(field.AsMemory(total), ct)) > 0)
        {
            total += read;
        }
        if (total > MaxFieldBytes)
        {
            throw new InvalidDataException("A form field is too long.");
        }
        return System.Text.Encoding.UTF8.GetString(field, 0, total);
    }

    private static string FileName(string? raw)
    {
        string name = raw ?? string.Empty;
        name = name[(Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\')) + 1)..];
        if (name.Length is 0 or > 255 || name is "." or ".." || name.Any(char.IsControl))
        {
            throw new InvalidDataException("A file name is not acceptable.");
        }
        return name;
    }
}
