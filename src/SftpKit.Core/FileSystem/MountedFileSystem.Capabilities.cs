using System.Buffers;

namespace SftpKit.FileSystem;

/// <summary>
/// The optional capabilities: each is present when at least one of the file systems (root or mounted) has it, and
/// routes every call to the file system owning the path, which fails with <see cref="VfsError.Unsupported"/> when
/// that one lacks it.
/// </summary>
public sealed partial class MountedFileSystem
{
    /// <inheritdoc />
    /// <remarks>
    /// <see cref="IVfsSymbolicLinks"/>, <see cref="IVfsHardLinks"/>, <see cref="IVfsSpaceInfo"/> and
    /// <see cref="IVfsServerSideCopy"/> are present when any file system of the table has them, and route each call
    /// to the file system owning the path (<see cref="VfsError.Unsupported"/> when that one lacks it). Links never
    /// cross a mount point; a server-side copy across mounts, or inside one without its own, is streamed through a
    /// pooled <see cref="CopyBufferSize"/>-byte buffer. <see cref="IVfsRandomAccessWrites"/> is present only when every
    /// file system has it; <see cref="IVfsInfoProbe"/> always. Other capabilities cannot be routed by path: null.
    /// </remarks>
    public T? GetCapability<T>()
        where T : class
        => VfsCapabilities.FirstOf<T>(_symbolicLinks, _hardLinks, _space, _copy, _randomAccessWrites, (IVfsInfoProbe)this);

    private bool AnyHas<T>()
        where T : class
        => _table.FileSystems.Any(fs => fs.GetCapability<T>() is not null);

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

    /// <summary>Marks that every file system's writers take writes at any offset.</summary>
    private sealed class RandomAccessWrites : IVfsRandomAccessWrites
    {
        public static readonly RandomAccessWrites Instance = new();
    }

    /// <summary>Symbolic links inside the file system owning the link.</summary>
    private sealed class SymbolicLinks(MountedFileSystem owner) : IVfsSymbolicLinks
    {
        /// <remarks>
        /// An absolute <paramref name="target"/> is a virtual path and must lie in the same file system as the link; a
        /// relative one must resolve there without climbing above its mount point. Otherwise
        /// <see cref="VfsError.Unsupported"/>.
        /// </remarks>
        public async ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(target);
            var table = owner._table;
            linkPath = VirtualPath.Normalize(linkPath);
            if (table.IsPinned(linkPath))
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            var link = table.Resolve(linkPath);
            var links = VfsCapabilities.Require<IVfsSymbolicLinks>(link.FileSystem);
            string innerTarget;
            if (target.StartsWith('/'))
            {
                var resolved = table.Resolve(VirtualPath.Normalize(target));
                owner.RequireSameMount(link, resolved, linkPath);
                innerTarget = resolved.Path;
            }
            else
            {
                // The mounted file system resolves the text against its own root; it must mean the same path there.
                string outer = VirtualPath.Normalize(target, VirtualPath.GetParent(linkPath));
                string inner = VirtualPath.Normalize(target, VirtualPath.GetParent(link.Path));
                var resolved = table.Resolve(outer);
                if (resolved.Index != link.Index || link.ToOuter(inner) != outer)
                {
                    throw owner.CrossMountLink(linkPath);
                }
                innerTarget = target;
            }
            try
            {
                await links.CreateSymbolicLinkAsync(link.Path, innerTarget, cancellationToken);
            }
            catch (VfsException e) when (owner.InVirtualParent(linkPath, e))
            {
                throw owner.Protected("symlink", linkPath);
            }
        }

        /// <remarks>Absolute targets come back as virtual paths (the mount point prefixed); relative text is unchanged.</remarks>
        public async ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
        {
            linkPath = VirtualPath.Normalize(linkPath);
            if (owner._table.IsPinned(linkPath))
            {
                throw new VfsException(VfsError.Failure, "Not a symbolic link.");
            }
            var link = owner._table.Resolve(linkPath);
            string target = await VfsCapabilities.Require<IVfsSymbolicLinks>(link.FileSystem).ReadSymbolicLinkAsync(link.Path, cancellationToken);
            return target.StartsWith('/') ? link.ToOuter(VirtualPath.Normalize(target)) : target;
        }
    }

    /// <summary>Hard links; both names must lie in one file system, otherwise <see cref="VfsError.Unsupported"/>.</summary>
    private sealed class HardLinks(MountedFileSystem owner) : IVfsHardLinks
    {
        public async ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken)
        {
            var table = owner._table;
            existingPath = VirtualPath.Normalize(existingPath);
            newPath = VirtualPath.Normalize(newPath);
            if (table.IsPinned(existingPath))
            {
                throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
            }
            if (table.IsPinned(newPath))
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            var existing = table.Resolve(existingPath);
            var created = table.Resolve(newPath);
            owner.RequireSameMount(existing, created, newPath);
            try
            {
                await VfsCapabilities.Require<IVfsHardLinks>(existing.FileSystem).CreateHardLinkAsync(existing.Path, created.Path, cancellationToken);
            }
            catch (VfsException e) when (owner.InVirtualParent(newPath, e))
            {
                throw owner.Protected("hardlink", newPath);
            }
        }
    }

    /// <summary>The figures of the file system owning the path (its root's for a virtual directory).</summary>
    private sealed class Space(MountTable table) : IVfsSpaceInfo
    {
        public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
        {
            path = VirtualPath.Normalize(path);
            var target = table.Resolve(path);
            string inner = table.IsMountAncestor(path) ? VirtualPath.Root : target.Path;
            return VfsCapabilities.Require<IVfsSpaceInfo>(target.FileSystem).GetSpaceAsync(inner, cancellationToken);
        }
    }

    /// <summary>
    /// Inside one file system with <see cref="IVfsServerSideCopy"/> the copy is delegated; otherwise the range is
    /// streamed through a pooled <see cref="CopyBufferSize"/>-byte buffer into an atomic upload of the target.
    /// </summary>
    private sealed class Copy(MountTable table) : IVfsServerSideCopy
    {
        public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        {
            if (fromOffset < 0 || length < 0 || toOffset < 0)
            {
                throw new VfsException(VfsError.Failure, "Negative offset or length.");
            }
            from = VirtualPath.Normalize(from);
            to = VirtualPath.Normalize(to);
            if (table.IsPinned(from) || table.IsPinned(to))
            {
                throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
            }
            var source = table.Resolve(from);
            var target = table.Resolve(to);
            if (source.Index == target.Index && source.FileSystem.GetCapability<IVfsServerSideCopy>() is { } copy)
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
    }
}
