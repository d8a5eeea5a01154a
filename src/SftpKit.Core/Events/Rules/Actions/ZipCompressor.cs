using System.Buffers;
using System.IO.Compression;
using SftpKit.FileSystem;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// Writes a zip of files and directories (recursively) of the account's storage into a file of the same storage,
/// streamed through the storage's writer (the zip appears under its name only when complete). Entry names are
/// relative to the closest directory holding every source; directories get their own entries so empty ones are kept;
/// links and special files are skipped; the zip itself is never put in it. At most
/// <see cref="FileSystemEventAction.MaxZipEntries"/> entries.
/// </summary>
internal static class ZipCompressor
{
    public static async Task CompressAsync(IVirtualFileSystem fs, string target, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        string baseDir = CommonDirectory(sources);
        var budget = new EntryBudget(FileSystemEventAction.MaxZipEntries, "compress");
        var names = new HashSet<string>(StringComparer.Ordinal);
        await VfsTree.CreateDirectoriesAsync(fs, VirtualPath.GetParent(target), cancellationToken).ConfigureAwait(false);
        await using var writer = await fs.OpenWriteAsync(target, new VfsWriteOptions { Truncate = true }, cancellationToken).ConfigureAwait(false);
        var stream = new VfsWriteStream(writer);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(VfsTree.CopyBufferSize);
        try
        {
            var archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken)
                .ConfigureAwait(false);
            await using (archive.ConfigureAwait(false))
            {
                foreach (string source in sources)
                {
                    var info = await VfsTree.FindAsync(fs, source, cancellationToken).ConfigureAwait(false)
                        ?? throw new VfsException(VfsError.NotFound, "A path to compress does not exist.");
                    await AddAsync(fs, archive, source, info, baseDir, target, names, budget, buffer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task AddAsync(IVirtualFileSystem fs, ZipArchive archive, string source, VfsFileInfo info, string baseDir, string target,
        HashSet<string> names, EntryBudget budget, byte[] buffer, CancellationToken cancellationToken)
    {
        if (info.Type == VfsFileType.File)
        {
            await AddFileAsync(fs, archive, source, info, baseDir, target, names, budget, buffer, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (info.Type != VfsFileType.Directory)
        {
            return;
        }
        var pending = new Stack<(string Path, VfsFileInfo Info)>();
        pending.Push((source, info));
        var children = new List<VfsFileInfo>();
        while (pending.Count > 0)
        {
            var (dir, dirInfo) = pending.Pop();
            if (dir != baseDir && names.Add(EntryName(dir, baseDir) + "/"))
            {
                budget.Take();
                var entry = archive.CreateEntry(EntryName(dir, baseDir) + "/");
                entry.LastWriteTime = ZipTime(dirInfo.LastWriteTime);
            }
            children.Clear();
            await foreach (var child in fs.ListAsync(dir, cancellationToken).ConfigureAwait(false))
            {
                budget.Take();
                children.Add(child);
            }
            foreach (var child in children.OrderByDescending(c => c.Name, StringComparer.Ordinal))
            {
                string path = VirtualPath.Combine(dir, child.Name);
                if (child.Type == VfsFileType.Directory)
                {
                    pending.Push((path, child));
                }
                else if (child.Type == VfsFileType.File)
                {
                    await AddFileAsync(fs, archive, path, child, baseDir, target, names, budget, buffer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task AddFileAsync(IVirtualFileSystem fs, ZipArchive archive, string path, VfsFileInfo info, string baseDir, string target,
        HashSet<string> names, EntryBudget budget, byte[] buffer, CancellationToken cancellationToken)
    {
        string name = EntryName(path, baseDir);
        if (path == target || !names.Add(name))
        {
            return;
        }
        budget.Take();
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = ZipTime(info.LastWriteTime);
        await using var reader = await fs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        var output = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (output.ConfigureAwait(false))
        {
            long offset = 0;
            while (true)
            {
                int read = await reader.ReadAsync(offset, buffer.AsMemory(0, VfsTree.CopyBufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                offset += read;
            }
        }
    }

    /// <summary>The deepest directory holding every source (the parent of a single source).</summary>
    internal static string CommonDirectory(IReadOnlyList<string> sources)
    {
        string common = VirtualPath.GetParent(sources[0]);
        foreach (string source in sources.Skip(1))
        {
            string parent = VirtualPath.GetParent(source);
            while (!VirtualPath.IsWithin(parent, common))
            {
                common = VirtualPath.GetParent(common);
            }
        }
        return common;
    }

    private static string EntryName(string path, string baseDir)
        => baseDir == VirtualPath.Root ? path[1..] : path[(baseDir.Length + 1)..];

    // Zip timestamps run from 1980 to 2107.
    private static DateTimeOffset ZipTime(DateTimeOffset time)
    {
        var min = new DateTimeOffset(1980, 1, 2, 0, 0, 0, TimeSpan.Zero);
        var max = new DateTimeOffset(2107, 12, 30, 0, 0, 0, TimeSpan.Zero);
        return time < min ? min : time > max ? max : time;
    }
}
