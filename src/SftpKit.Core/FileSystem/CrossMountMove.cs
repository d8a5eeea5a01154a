namespace SftpKit.FileSystem;

/// <summary>
/// A rename between two file systems of a <see cref="MountedFileSystem"/>: copy, then delete the source. Directory
/// trees are walked first (bounded by <see cref="MountedFileSystemOptions.MaxCrossMountEntries"/>), so an oversized
/// tree is refused before anything is written; if copying fails, what was created is removed and the source kept.
/// </summary>
internal sealed class CrossMountMove(MountedFileSystem owner, MountTarget source, MountTarget target, string from, string to)
{
    private readonly List<(string Path, bool IsDirectory)> _created = [];

    private IVirtualFileSystem Src => source.FileSystem;

    private IVirtualFileSystem Dst => target.FileSystem;

    public async ValueTask RunAsync(bool overwrite, CancellationToken cancellationToken)
    {
        var info = await Src.GetInfoAsync(source.Path, followLinks: false, cancellationToken);
        VfsFileInfo? existing = await TryGetInfoAsync(Dst, target.Path, cancellationToken);
        if (existing is not null)
        {
            await CheckReplaceableAsync(info, existing, overwrite, cancellationToken);
        }
        var entries = info.Type == VfsFileType.Directory ? await WalkAsync(cancellationToken) : [];
        MountLog.CrossMountMove(owner.Logger, from, to, entries.Count + 1);
        try
        {
            await CopyEntryAsync(source.Path, target.Path, info, existing, cancellationToken);
            foreach (var (relative, entry) in entries)
            {
                await CopyEntryAsync(source.Path + relative, target.Path + relative, entry, existing: null, cancellationToken);
            }
            // Deepest first, so creating children does not bump a directory's times after they were set.
            for (int i = entries.Count - 1; i >= 0; i--)
            {
                if (entries[i].Info.Type == VfsFileType.Directory)
                {
                    await CopyAttributesAsync(target.Path + entries[i].Relative, entries[i].Info, cancellationToken);
                }
            }
            if (info.Type == VfsFileType.Directory)
            {
                await CopyAttributesAsync(target.Path, info, cancellationToken);
            }
        }
        catch
        {
            await RollBackAsync();
            throw;
        }
        try
        {
            for (int i = entries.Count - 1; i >= 0; i--)
            {
                await DeleteAsync(Src, source.Path + entries[i].Relative, entries[i].Info.Type, cancellationToken);
            }
            await DeleteAsync(Src, source.Path, info.Type, cancellationToken);
        }
        catch (Exception e) when (e is VfsException or IOException or UnauthorizedAccessException)
        {
            MountLog.CrossMountSourceNotRemoved(owner.Logger, from, to, e);
            throw;
        }
    }

    private static async ValueTask CheckEmptyAsync(IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
    {
        await foreach (var _ in fs.ListAsync(path, cancellationToken))
        {
            throw new VfsException(VfsError.DirectoryNotEmpty, "The target directory is not empty.");
        }
    }

    private async ValueTask CheckReplaceableAsync(VfsFileInfo info, VfsFileInfo existing, bool overwrite, CancellationToken cancellationToken)
    {
        if (!overwrite)
        {
            throw new VfsException(VfsError.AlreadyExists, "The target exists.");
        }
        bool sourceIsDirectory = info.Type == VfsFileType.Directory;
        bool targetIsDirectory = existing.Type == VfsFileType.Directory;
        if (sourceIsDirectory && !targetIsDirectory)
        {
            throw new VfsException(VfsError.NotADirectory, "The target is not a directory.");
        }
        if (!sourceIsDirectory && targetIsDirectory)
        {
            throw new VfsException(VfsError.IsADirectory, "The target is a directory.");
        }
        if (targetIsDirectory)
        {
            await CheckEmptyAsync(Dst, target.Path, cancellationToken);
        }
    }

    /// <summary>Every entry below the source directory, parents before children, as paths relative to it (<c>/a/b</c>).</summary>
    private async ValueTask<List<(string Relative, VfsFileInfo Info)>> WalkAsync(CancellationToken cancellationToken)
    {
        int limit = owner.MaxCrossMountEntries;
        var entries = new List<(string Relative, VfsFileInfo Info)>();
        var pending = new Stack<string>();
        pending.Push(string.Empty);
        while (pending.Count > 0)
        {
            string relative = pending.Pop();
            string path = relative.Length == 0 ? source.Path : source.Path + relative;
            await foreach (var entry in Src.ListAsync(path, cancellationToken))
            {
                // +1: the moved directory itself counts too.
                if (entries.Count + 1 >= limit)
                {
                    MountLog.CrossMountMoveTooLarge(owner.Logger, from, limit);
                    throw new VfsException(VfsError.Unsupported, "The directory is too large to move across mount points.");
                }
                if (entry.Type == VfsFileType.Other)
                {
                    throw new VfsException(VfsError.Unsupported, "Special files cannot be moved across mount points.");
                }
                string child = relative + "/" + entry.Name;
                entries.Add((child, entry));
                if (entry.Type == VfsFileType.Directory)
                {
                    pending.Push(child);
                }
            }
        }
        // A directory is listed (and added) before its own listing is walked, so parents precede their children.
        return entries;
    }

    private async ValueTask CopyEntryAsync(string sourcePath, string targetPath, VfsFileInfo info, VfsFileInfo? existing, CancellationToken cancellationToken)
    {
        switch (info.Type)
        {
            case VfsFileType.Directory:
                if (existing is null)
                {
                    await Dst.CreateDirectoryAsync(targetPath, cancellationToken);
                    _created.Add((targetPath, true));
                }
                break;
            case VfsFileType.File:
                if (existing is { Type: VfsFileType.SymbolicLink })
                {
                    // An atomic upload would write through the link; rename replaces the link itself.
                    await Dst.DeleteFileAsync(targetPath, cancellationToken);
                }
                await CopyFileAsync(sourcePath, targetPath, info, cancellationToken);
                break;
            case VfsFileType.SymbolicLink:
                await CopyLinkAsync(sourcePath, targetPath, existing is not null, cancellationToken);
                break;
            default:
                throw new VfsException(VfsError.Unsupported, "Special files cannot be moved across mount points.");
        }
    }

    private async ValueTask CopyFileAsync(string sourcePath, string targetPath, VfsFileInfo info, CancellationToken cancellationToken)
    {
        await using (var reader = await Src.OpenReadAsync(sourcePath, cancellationToken))
        {
            var options = new VfsWriteOptions { Truncate = true, Atomic = true, Permissions = info.Permissions };
            await using var writer = await Dst.OpenWriteAsync(targetPath, options, cancellationToken);
            await MountedFileSystem.StreamAsync(reader, 0, long.MaxValue, writer, cancellationToken);
            await writer.CompleteAsync(cancellationToken);
        }
        _created.Add((targetPath, false));
        await CopyAttributesAsync(targetPath, info, cancellationToken);
    }

    private async ValueTask CopyLinkAsync(string sourcePath, string targetPath, bool replace, CancellationToken cancellationToken)
    {
        var sourceLinks = VfsCapabilities.Require<IVfsSymbolicLinks>(Src);
        var targetLinks = VfsCapabilities.Require<IVfsSymbolicLinks>(Dst);
        string text = await sourceLinks.ReadSymbolicLinkAsync(sourcePath, cancellationToken);
        if (text.StartsWith('/'))
        {
            // An absolute target names a path of the source file system: keep pointing at the same virtual path.
            var resolved = owner.Table.Resolve(source.ToOuter(VirtualPath.Normalize(text)));
            if (resolved.Index != target.Index)
            {
                throw new VfsException(VfsError.Unsupported, "A link would point across a mount point.");
            }
            text = resolved.Path;
        }
        if (replace)
        {
            await Dst.DeleteFileAsync(targetPath, cancellationToken);
        }
        await targetLinks.CreateSymbolicLinkAsync(targetPath, text, cancellationToken);
        _created.Add((targetPath, false));
    }

    private async ValueTask CopyAttributesAsync(string targetPath, VfsFileInfo info, CancellationToken cancellationToken)
    {
        var change = new VfsAttributeChange
        {
            Permissions = info.Permissions,
            Times = (info.LastAccessTime, info.LastWriteTime),
        };
        try
        {
            await Dst.SetInfoAsync(targetPath, change, followLinks: false, cancellationToken);
        }
        catch (VfsException e) when (e.Error == VfsError.Unsupported)
        {
            // Storage without modes or times (object stores) keeps its own.
        }
    }

    private static ValueTask DeleteAsync(IVirtualFileSystem fs, string path, VfsFileType type, CancellationToken cancellationToken)
        => type == VfsFileType.Directory ? fs.DeleteDirectoryAsync(path, cancellationToken) : fs.DeleteFileAsync(path, cancellationToken);

    private async ValueTask RollBackAsync()
    {
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            var (path, isDirectory) = _created[i];
            try
            {
                await DeleteAsync(Dst, path, isDirectory ? VfsFileType.Directory : VfsFileType.File, CancellationToken.None);
            }
            catch (Exception e) when (e is VfsException or IOException or UnauthorizedAccessException)
            {
                MountLog.CrossMountRollbackFailed(owner.Logger, target.ToOuter(path), e);
            }
        }
    }

    private static async ValueTask<VfsFileInfo?> TryGetInfoAsync(IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await fs.GetInfoAsync(path, followLinks: false, cancellationToken);
        }
        catch (VfsException e) when (e.Error == VfsError.NotFound)
        {
            return null;
        }
    }
}
