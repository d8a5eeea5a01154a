using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// A folder (or a share's items) as a zip written straight to the response while the files are read: nothing is
/// buffered whole, memory stays at one 64 KiB copy buffer plus the compressor's. Symbolic links and special files are
/// left out; folders deeper than <see cref="MaxDepth"/> levels are not descended into. A failure after the first
/// byte aborts the connection, so a client never keeps a truncated archive that looks complete. The archive's own
/// synchronous header writes pass through <see cref="ZipResponseStream"/>.
/// </summary>
internal static class ShareZip
{
    /// <summary>Deepest folder level put in the archive: 64.</summary>
    public const int MaxDepth = 64;

    private const int BufferSize = 64 * 1024;

    public static async Task WriteAsync(HttpContext context, IVirtualFileSystem fileSystem, SftpShare share, ShareLocation location, string fileName)
    {
        var ct = context.RequestAborted;
        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
        context.Response.Headers.CacheControl = "no-store";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var body = new ZipResponseStream(context.Response.Body);
            var archive = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
            await using (archive)
            {
                await WriteEntriesAsync(archive, body, fileSystem, share, location, buffer, ct);
            }
            await body.DrainAsync(ct); // the central directory
        }
        catch (Exception) when (context.Response.HasStarted)
        {
            context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task WriteEntriesAsync(ZipArchive archive, ZipResponseStream body, IVirtualFileSystem fileSystem, SftpShare share,
        ShareLocation location, byte[] buffer, CancellationToken ct)
    {
        // Depth-first with an explicit stack: (owner path, name in the archive, depth).
        var pending = new Stack<(string Path, string Name, int Depth)>();
        await foreach (var entry in ShareTree.ListAsync(fileSystem, share, location, ct))
        {
            string path = location.IsVirtualRoot
                ? share.Paths.First(p => VirtualPath.GetName(p) == entry.Name)
                : VirtualPath.Combine(location.OwnerPath!, entry.Name);
            await AddAsync(archive, body, fileSystem, entry, path, entry.Name, 1, pending, buffer, ct);
            await body.DrainAsync(ct);
        }
        while (pending.TryPop(out var folder))
        {
            await foreach (var entry in fileSystem.ListAsync(folder.Path, ct))
            {
                if (entry.Name is "." or "..")
                {
                    continue;
                }
                await AddAsync(archive, body, fileSystem, entry, VirtualPath.Combine(folder.Path, entry.Name), folder.Name + "/" + entry.Name, folder.Depth + 1, pending, buffer, ct);
                await body.DrainAsync(ct);
            }
        }
    }

    private static async Task AddAsync(ZipArchive archive, ZipResponseStream body, IVirtualFileSystem fileSystem, VfsFileInfo entry, string path, string name, int depth,
        Stack<(string, string, int)> pending, byte[] buffer, CancellationToken ct)
    {
        if (entry.Type == VfsFileType.Directory)
        {
            var folder = archive.CreateEntry(name + "/");
            folder.LastWriteTime = ZipEntryWriter.ZipTime(entry.LastWriteTime);
            if (depth < MaxDepth)
            {
                pending.Push((path, name, depth));
            }
            return;
        }
        if (entry.Type != VfsFileType.File)
        {
            return;
        }
        await using var reader = await fileSystem.OpenReadAsync(path, ct);
        await ZipEntryWriter.CopyFileAsync(archive, body, reader, name, entry.LastWriteTime, buffer.AsMemory(0, BufferSize), ct);
    }
}
