using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SftpKit.AspNetCore.Web;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>
/// Downloads a folder or a selection as a zip, written straight to the response with
/// <see cref="ZipArchive"/> as the entries are read (no temporary file, one 64 KiB buffer). What goes in is listed
/// first, bounded by <see cref="SftpWebClientOptions.MaxZipEntries"/> and <see cref="SftpWebClientOptions.MaxTreeDepth"/>,
/// so a selection too large is refused before anything is sent. Each file is read through the account's file system,
/// so download permissions, bandwidth limits and download events apply as over SFTP; a file that cannot be read once
/// the zip has started is left out.
/// </summary>
internal static class WebZip
{
    private const int BufferSize = 64 * 1024;

    private sealed record Entry(string Path, string Name, bool IsDirectory, DateTimeOffset Modified);

    public static async Task RunAsync(HttpContext context, IVirtualFileSystem files, string directory, IReadOnlyList<string> names,
        SftpWebClientOptions options, Action<string, Exception> skipped)
    {
        var ct = context.RequestAborted;
        var entries = new List<Entry>();
        if (names.Count == 0)
        {
            await AddChildrenAsync(files, directory, "", entries, options, 0, ct);
        }
        foreach (string name in names)
        {
            string path = VirtualPath.Combine(directory, WebFileNames.Name(name));
            await AddAsync(files, path, await files.GetInfoAsync(path, followLinks: true, ct), name, entries, options, 0, ct);
        }
        string zipName = (names.Count == 1 ? names[0] : directory == VirtualPath.Root ? "files" : VirtualPath.GetName(directory)) + ".zip";
        context.Response.ContentType = "application/zip";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(zipName);
        context.Response.Headers.ContentDisposition = disposition.ToString();
        context.Response.Headers.CacheControl = "no-store";
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var sink = new ZipResponseStream(context.Response.Body);
            var zip = await ZipArchive.CreateAsync(sink, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
            await using (zip)
            {
                await WriteEntriesAsync(zip, sink, files, entries, buffer, skipped, ct);
            }
            await sink.DrainAsync(ct); // the central directory, written as the archive closed
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task WriteEntriesAsync(ZipArchive zip, ZipResponseStream sink, IVirtualFileSystem files, List<Entry> entries, byte[] buffer,
        Action<string, Exception> skipped, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            await sink.DrainAsync(ct); // what creating the previous entry wrote
            if (entry.IsDirectory)
            {
                zip.CreateEntry(entry.Name + "/").LastWriteTime = ZipEntryWriter.ZipTime(entry.Modified);
                continue;
            }
            IVfsReader reader;
            try
            {
                reader = await files.OpenReadAsync(entry.Path, ct);
            }
            catch (VfsException ex)
            {
                skipped(entry.Path, ex);
                continue;
            }
            await using (reader)
            {
                await ZipEntryWriter.CopyFileAsync(zip, sink, reader, entry.Name, entry.Modified, buffer.AsMemory(0, BufferSize), ct);
            }
        }
    }

    private static async Task AddAsync(IVirtualFileSystem files, string path, VfsFileInfo info, string name, List<Entry> entries,
        SftpWebClientOptions options, int depth, CancellationToken ct)
    {
        if (entries.Count >= options.MaxZipEntries)
        {
            throw new WebClientFailure(StatusCodes.Status413PayloadTooLarge, $"A zip holds at most {options.MaxZipEntries} entries.");
        }
        if (info.Type == VfsFileType.Directory)
        {
            entries.Add(new Entry(path, name, true, info.LastWriteTime));
            await AddChildrenAsync(files, path, name + "/", entries, options, depth + 1, ct);
        }
        else if (info.Type == VfsFileType.File)
        {
            entries.Add(new Entry(path, name, false, info.LastWriteTime));
        }
    }

    private static async Task AddChildrenAsync(IVirtualFileSystem files, string directory, string prefix, List<Entry> entries,
        SftpWebClientOptions options, int depth, CancellationToken ct)
    {
        if (depth > options.MaxTreeDepth)
        {
            throw new WebClientFailure(StatusCodes.Status413PayloadTooLarge, $"Folders nest deeper than {options.MaxTreeDepth} levels.");
        }
        await foreach (var child in files.ListAsync(directory, ct))
        {
            string path = VirtualPath.Combine(directory, child.Name);
            var info = child.Type == VfsFileType.SymbolicLink ? await TryInfoAsync(files, path, ct) : child;
            if (info is not null)
            {
                await AddAsync(files, path, info, prefix + child.Name, entries, options, depth, ct);
            }
        }
    }

    private static async Task<VfsFileInfo?> TryInfoAsync(IVirtualFileSystem files, string path, CancellationToken ct)
    {
        try
        {
            return await files.GetInfoAsync(path, followLinks: true, ct);
        }
        catch (VfsException)
        {
            return null; // a dangling link
        }
    }
}
