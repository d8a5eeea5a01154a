using System.Buffers;

namespace SftpKit.FileSystem;

/// <summary>The optional capabilities, each delegated to the file system owning the path.</summary>
public sealed partial class MountedFileSystem
{
    /// <inheritdoc />
    /// <remarks>
    /// An absolute <paramref name="target"/> is a virtual path and must lie in the same file system as the link; a
    /// relative one must resolve there without climbing above its mount point. Otherwise
    /// <see cref="VfsError.Unsupported"/>.
    /// </remarks>
    public async ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        linkPath = VirtualPath.Normalize(linkPath);
        if (_table.IsPinned(linkPath))
        {
            throw new VfsException(VfsError.AlreadyExists, "The path exists.");
        }
        var link = _table.Resolve(linkPath);
        var links = Require<IVfsSymbolicLinks>(link.FileSystem);
        string innerTarget;
        if (target.StartsWith('/'))
        {
            var resolved = _table.Resolve(VirtualPath.Normalize(target));
            RequireSameMount(link, resolved, linkPath);
            innerTarget = resolved.Path;
        }
        else
        {
            // The mounted file system resolves the text against its own root; it must mean the same path there.
            string outer = VirtualPath.Normalize(target, VirtualPath.GetParent(linkPath));
            string inner = VirtualPath.Normalize(target, VirtualPath.GetParent(link.Path));
            var resolved = _table.Resolve(outer);
            if (resolved.Index != link.Index || link.ToOuter(inner) != outer)
            {
                throw CrossMountLink(linkPath);
            }
            innerTarget = target;
        }
        try
        {
            await links.CreateSymbolicLinkAsync(link.Path, innerTarget, cancellationToken);
        }
        catch (VfsException e) when (InVirtualParent(linkPath, e))
        {
            throw Protected("symlink", linkPath);
        }
    }

    /// <inheritdoc />
    /// <remarks>Absolute targets come back as virtual paths (the mount point prefixed); relative text is unchanged.</remarks>
    public async ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
    {
        linkPath = VirtualPath.Normalize(linkPath);
        if (_table.IsPinned(linkPath))
        {
            throw new VfsException(VfsError.Failure, "Not a symbolic link.");
        }
        var link = _table.Resolve(linkPath);
        string target = await Require<IVfsSymbolicLinks>(link.FileSystem).ReadSymbolicLinkAsync(link.Path, cancellationToken);
        return target.StartsWith('/') ? link.ToOuter(VirtualPath.Normalize(target)) : target;
    }

    /// <inheritdoc />
    /// <remarks>Both names must lie in one file system; otherwise <see cref="VfsError.Unsupported"/>.</remarks>
    public async ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken)
    {
        existingPath = VirtualPath.Normalize(existingPath);
        newPath = VirtualPath.Normalize(newPath);
        if (_table.IsPinned(existingPath))
        {
            throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
        }
        if (_table.IsPinned(newPath))
        {
            throw new VfsException(VfsError.AlreadyExists, "The path exists.");
        }
        var existing = _table.Resolve(existingPath);
        var created = _table.Resolve(newPath);
        RequireSameMount(existing, created, newPath);
        try
        {
            await Require<IVfsHardLinks>(existing.FileSystem).CreateHardLinkAsync(existing.Path, created.Path, cancellationToken);
        }
        catch (VfsException e) when (InVirtualParent(newPath, e))
        {
            throw Protected("hardlink", newPath);
        }
    }

    /// <inheritdoc />
    /// <remarks>The figures of the file system owning <paramref name="path"/> (its root's for a virtual directory).</remarks>
    public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        var target = _table.Resolve(path);
        string inner = _table.IsMountAncestor(path) ? VirtualPath.Root : target.Path;
        return Require<IVfsSpaceInfo>(target.FileSystem).GetSpaceAsync(inner, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Inside one file system with <see cref="IVfsServerSideCopy"/> the copy is delegated; otherwise the range is
    /// streamed through a pooled <see cref="CopyBufferSize"/>-byte buffer into an atomic upload of the target.
    /// </remarks>
    public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        if (fromOffset < 0 || length < 0 || toOffset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset or length.");
        }
        from = VirtualPath.Normalize(from);
        to = VirtualPath.Normalize(to);
        if (_table.IsPinned(from) || _table.IsPinned(to))
        {
            throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
        }
        var source = _table.Resolve(from);
        var target = _table.Resolve(to);
        if (source.Index == target.Index && source.FileSystem is IVfsServerSideCopy copy)
        {
            await copy.CopyAsync(source.Path, fromOffset, length, target.Path, toOffset, cancellationToken);
            return;
        }
        await using var reader = await source.FileSystem.OpenReadAsync(source.Path, cancellationToken);
        var options = new VfsWriteOptions { Offset = toOffset, Atomic = true };
        await using var writer = await target.FileSystem.OpenWriteAsync(target.Path, options, cancellationToken);
        await StreamAsync(reader, fromOffset, length == 0 ? long.MaxValue : length, writer, cancellationToken);
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Streams up to <paramref name="count"/> bytes from <paramref name="offset"/> (fewer at end of file) into the writer.</summary>
    internal static async ValueTask StreamAsync(IVfsReader reader, long offset, long count, IVfsWriter writer, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (count > 0)
            {
                int want = (int)Math.Min(CopyBufferSize, count);
                int read = await reader.ReadAsync(offset, buffer.AsMemory(0, want), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                offset += read;
                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static T Require<T>(IVirtualFileSystem fs)
        where T : class
        => fs as T ?? throw new VfsException(VfsError.Unsupported, "Not supported by this storage.");

    private void RequireSameMount(MountTarget a, MountTarget b, string path)
    {
        if (a.Index != b.Index)
        {
            throw CrossMountLink(path);
        }
    }

    private VfsException CrossMountLink(string path)
    {
        MountLog.LinkAcrossMountsRefused(_logger, path);
        return new VfsException(VfsError.Unsupported, "Links cannot cross a mount point.");
    }
}
