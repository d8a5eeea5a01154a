using System.Buffers;
using SftpKit.FileSystem;
using SftpKit.Policies;

namespace SftpKit.Events.Rules.Actions;

/// <summary>Tree operations on a virtual file system for the file actions (mkdir -p, recursive delete and copy, glob listing).</summary>
internal static class VfsTree
{
    /// <summary>Size of the buffer a file copy streams through: 64 KiB (pooled).</summary>
    public const int CopyBufferSize = 64 * 1024;

    /// <summary>The entry at <paramref name="path"/> (links not followed), or null when there is none.</summary>
    public static async ValueTask<VfsFileInfo?> FindAsync(IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await fs.GetInfoAsync(path, followLinks: false, cancellationToken).ConfigureAwait(false);
        }
        catch (VfsException ex) when (ex.Error is VfsError.NotFound or VfsError.NotADirectory)
        {
            return null;
        }
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents; fails when one of them is not a directory.</summary>
    public static async ValueTask CreateDirectoriesAsync(IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
    {
        if (path == VirtualPath.Root)
        {
            return;
        }
        var missing = new Stack<string>();
        for (string current = path; current != VirtualPath.Root; current = VirtualPath.GetParent(current))
        {
            var info = await FindAsync(fs, current, cancellationToken).ConfigureAwait(false);
            if (info is not null)
            {
                if (info.Type != VfsFileType.Directory)
                {
                    throw new VfsException(VfsError.NotADirectory, "A path segment is not a directory.");
                }
                break;
            }
            missing.Push(current);
        }
        while (missing.Count > 0)
        {
            string next = missing.Pop();
            try
            {
                await fs.CreateDirectoryAsync(next, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex) when (ex.Error == VfsError.AlreadyExists)
            {
                // Created meanwhile (or a mount point): fine when it is a directory.
                var info = await FindAsync(fs, next, cancellationToken).ConfigureAwait(false);
                if (info?.Type != VfsFileType.Directory)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>Removes a file or link, or a directory with everything in it (or only its contents when <paramref name="contentsOnly"/>).</summary>
    public static async ValueTask DeleteAsync(IVirtualFileSystem fs, string path, VfsFileInfo info, bool contentsOnly, EntryBudget budget,
        CancellationToken cancellationToken)
    {
        if (info.Type != VfsFileType.Directory)
        {
            await fs.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
            return;
        }
        // Pre-order walk: files go at once, directories after their contents (in reverse order of discovery).
        var directories = new List<string> { path };
        var pending = new Stack<string>();
        pending.Push(path);
        var files = new List<string>();
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            files.Clear();
            await foreach (var entry in fs.ListAsync(dir, cancellationToken).ConfigureAwait(false))
            {
                budget.Take();
                string child = VirtualPath.Combine(dir, entry.Name);
                if (entry.Type == VfsFileType.Directory)
                {
                    directories.Add(child);
                    pending.Push(child);
                }
                else
                {
                    files.Add(child);
                }
            }
            foreach (string file in files)
            {
                await fs.DeleteFileAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }
        for (int i = directories.Count - 1; i >= (contentsOnly ? 1 : 0); i--)
        {
            await fs.DeleteDirectoryAsync(directories[i], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Entries of <paramref name="directory"/> whose name matches <paramref name="pattern"/> (case-sensitive glob).</summary>
    public static async ValueTask<List<VfsFileInfo>> MatchAsync(IVirtualFileSystem fs, string directory, string pattern, EntryBudget budget,
        CancellationToken cancellationToken)
    {
        var matches = new List<VfsFileInfo>();
        await foreach (var entry in fs.ListAsync(directory, cancellationToken).ConfigureAwait(false))
        {
            budget.Take();
            if (Glob.IsMatch(entry.Name, pattern))
            {
                matches.Add(entry);
            }
        }
        return matches;
    }

    /// <summary>
    /// Copies a file (streamed, the target written atomically and replaced when it exists) or a directory tree
    /// (directories created, files copied; links and special files skipped).
    /// </summary>
    public static async ValueTask CopyAsync(IVirtualFileSystem fs, string source, VfsFileInfo info, string target, EntryBudget budget,
        CancellationToken cancellationToken)
    {
        if (info.Type == VfsFileType.File)
        {
            budget.Take();
            await CopyFileAsync(fs, source, target, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (info.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.Unsupported, "Only files and directories are copied.");
        }
        if (VirtualPath.IsWithin(target, source))
        {
            throw new VfsException(VfsError.InvalidPath, "A directory cannot be copied into itself.");
        }
        await CreateDirectoriesAsync(fs, target, cancellationToken).ConfigureAwait(false);
        var pending = new Stack<(string From, string To)>();
        pending.Push((source, target));
        var children = new List<VfsFileInfo>();
        while (pending.Count > 0)
        {
            var (from, to) = pending.Pop();
            children.Clear();
            await foreach (var entry in fs.ListAsync(from, cancellationToken).ConfigureAwait(false))
            {
                budget.Take();
                children.Add(entry);
            }
            foreach (var entry in children)
            {
                string childFrom = VirtualPath.Combine(from, entry.Name);
                string childTo = VirtualPath.Combine(to, entry.Name);
                if (entry.Type == VfsFileType.Directory)
                {
                    await CreateDirectoriesAsync(fs, childTo, cancellationToken).ConfigureAwait(false);
                    pending.Push((childFrom, childTo));
                }
                else if (entry.Type == VfsFileType.File)
                {
                    await CopyFileAsync(fs, childFrom, childTo, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Streams one file to another through a pooled buffer; the target appears only when complete.</summary>
    public static async ValueTask CopyFileAsync(IVirtualFileSystem fs, string source, string target, CancellationToken cancellationToken)
    {
        if (source == target)
        {
            throw new VfsException(VfsError.InvalidPath, "A file cannot be copied onto itself.");
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var reader = await fs.OpenReadAsync(source, cancellationToken).ConfigureAwait(false);
            await using var writer = await fs.OpenWriteAsync(target, new VfsWriteOptions { Truncate = true }, cancellationToken).ConfigureAwait(false);
            long offset = 0;
            while (true)
            {
                int read = await reader.ReadAsync(offset, buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                offset += read;
            }
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Counts entries visited by one action and stops it past a limit.</summary>
internal sealed class EntryBudget(int limit, string what)
{
    private int _used;

    /// <summary>Entries counted so far.</summary>
    public int Used => _used;

    /// <summary>Counts one entry; <see cref="SftpEventActionException"/> past the limit.</summary>
    public void Take()
    {
        if (++_used > limit)
        {
            throw new SftpEventActionException($"{what}: more than {limit} entries");
        }
    }
}
