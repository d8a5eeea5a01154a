using System.Runtime.CompilerServices;
using System.Text;

namespace SftpKit.FileSystem;

/// <summary>
/// A thread-safe file system held entirely in memory, for tests, samples and ephemeral drop boxes. Supports every
/// optional capability: random-access writes, symbolic links (followed when resolving, at most 40 hops), hard links
/// (names share one file, so each sees the other's writes), space figures and server-side copy.
/// Paths are virtual, so a link can never point outside the tree: targets are resolved with
/// <see cref="VirtualPath.Normalize"/>, relative ones against the link's directory.
/// </summary>
public sealed partial class InMemoryFileSystem : IVirtualFileSystem, IVfsRandomAccessWrites, IVfsSpaceInfo
{
    /// <summary>Most symbolic links followed while resolving one path, as Linux's MAXSYMLINKS. Defaults to 40.</summary>
    public const int MaxLinkHops = 40;

    /// <summary>Longest single name, in UTF-8 bytes, as Linux's NAME_MAX. Defaults to 255.</summary>
    public const int MaxNameLength = 255;

    private const uint DirectoryPermissions = 0x1ED; // 0755
    private const int BlockSize = 4096;

    private readonly Lock _gate = new();
    private readonly InMemoryDirectory _root;
    private readonly long? _capacityBytes;
    private long _usedBytes;
    private long _nodeCount = 1;
    private readonly InMemoryLinks _links;
    private readonly InMemoryCopy _copy;

    /// <summary>Creates an empty file system whose root is a 0755 directory.</summary>
    /// <param name="capacityBytes">
    /// Most bytes of file content held at once (uploads in progress included); writes past it fail with
    /// <see cref="VfsError.NoSpace"/>. Defaults to null: limited only by memory, so one client WRITE or copy-data at
    /// a 2 GiB offset makes a 2 GiB file; set a capacity wherever untrusted clients reach this file system.
    /// </param>
    public InMemoryFileSystem(long? capacityBytes = null)
    {
        if (capacityBytes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityBytes), "Capacity must not be negative.");
        }
        _capacityBytes = capacityBytes;
        _root = new InMemoryDirectory(DirectoryPermissions, Now) { LinkCount = 1 };
        _links = new InMemoryLinks(this);
        _copy = new InMemoryCopy(this);
    }

    internal static DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>The lock every access to the tree holds.</summary>
    internal Lock Gate => _gate;

    /// <inheritdoc />
    /// <remarks>
    /// This instance for <see cref="IVfsRandomAccessWrites"/> and <see cref="IVfsSpaceInfo"/>;
    /// <see cref="IVfsSymbolicLinks"/>, <see cref="IVfsHardLinks"/> and <see cref="IVfsServerSideCopy"/> are objects of
    /// their own.
    /// </remarks>
    public T? GetCapability<T>()
        where T : class
        => VfsCapabilities.FirstOf<T>(this, _links, _copy);

    /// <summary>Bytes of file content currently held (uploads in progress included).</summary>
    public long UsedBytes
    {
        get
        {
            lock (_gate)
            {
                return _usedBytes;
            }
        }
    }

    /// <summary>
    /// Creates or replaces the file at <paramref name="path"/> with <paramref name="content"/>, creating missing parent
    /// directories (0755). For tests and host apps seeding content.
    /// </summary>
    public void AddFile(string path, ReadOnlySpan<byte> content)
    {
        string normalized = VirtualPath.Normalize(path);
        if (normalized == VirtualPath.Root)
        {
            throw new VfsException(VfsError.IsADirectory, "The root is a directory.");
        }
        lock (_gate)
        {
            string parentPath = VirtualPath.GetParent(normalized);
            var dir = _root;
            string current = VirtualPath.Root;
            foreach (var segment in parentPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current = VirtualPath.Combine(current, segment);
                var lookup = Resolve(current, followFinal: true);
                if (lookup.Node is null)
                {
                    InMemoryEntries.CheckName(segment);
                    var created = new InMemoryDirectory(DirectoryPermissions, Now);
                    Link(lookup.Parent!, lookup.Name, created);
                    dir = created;
                }
                else
                {
                    dir = lookup.Node as InMemoryDirectory
                        ?? throw new VfsException(VfsError.NotADirectory, "A path segment is not a directory.");
                }
            }
            var target = Resolve(normalized, followFinal: true);
            switch (target.Node)
            {
                case InMemoryFile file:
                    Resize(file, content.Length);
                    file.Write(0, content);
                    file.LastWriteTime = Now;
                    break;
                case null:
                    InMemoryEntries.CheckName(target.Name);
                    var newFile = new InMemoryFile(0x1A4, Now) { Counted = true };
                    Resize(newFile, content.Length);
                    newFile.Write(0, content);
                    Link(target.Parent!, target.Name, newFile);
                    break;
                default:
                    throw new VfsException(VfsError.IsADirectory, "The path is not a regular file.");
            }
        }
    }

    /// <summary>The whole content of the file at <paramref name="path"/> (links followed).</summary>
    /// <exception cref="VfsException">With <see cref="VfsError.NotFound"/> or <see cref="VfsError.IsADirectory"/>.</exception>
    public byte[] ReadAllBytes(string path)
    {
        string normalized = VirtualPath.Normalize(path);
        lock (_gate)
        {
            return InMemoryEntries.RequireFile(Resolve(normalized, followFinal: true)).ToArray();
        }
    }

    /// <summary>True when something exists at <paramref name="path"/> (links followed; a dangling link is false).</summary>
    public bool Exists(string path)
    {
        try
        {
            string normalized = VirtualPath.Normalize(path);
            lock (_gate)
            {
                return Resolve(normalized, followFinal: true).Node is not null;
            }
        }
        catch (VfsException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var node = InMemoryEntries.RequireNode(Resolve(path, followLinks));
            return ValueTask.FromResult(node.ToInfo(VirtualPath.GetName(path)));
        }
    }

    /// <inheritdoc />
    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var node = InMemoryEntries.RequireNode(Resolve(path, followLinks));
            if (change.Size is { } size)
            {
                if (size < 0)
                {
                    throw new VfsException(VfsError.Failure, "Negative size.");
                }
                var file = node as InMemoryFile
                    ?? throw new VfsException(VfsError.IsADirectory, "Only regular files have a size to change.");
                Resize(file, size);
                file.SetLength(size);
                file.LastWriteTime = Now;
            }
            if (change.Permissions is { } permissions)
            {
                node.Permissions = permissions & 0xFFF;
            }
            if (change.Owner is { } owner)
            {
                node.Uid = owner.Uid;
                node.Gid = owner.Gid;
            }
            if (change.Times is { } times)
            {
                node.LastAccessTime = times.Access;
                node.LastWriteTime = times.Write;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        VfsFileInfo[] snapshot;
        lock (_gate)
        {
            var node = InMemoryEntries.RequireNode(Resolve(path, followFinal: true));
            var dir = node as InMemoryDirectory ?? throw new VfsException(VfsError.NotADirectory, "Not a directory.");
            snapshot = new VfsFileInfo[dir.Children.Count];
            int i = 0;
            foreach (var (name, child) in dir.Children)
            {
                snapshot[i++] = child.ToInfo(name);
            }
        }
        foreach (var info in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return info;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var file = InMemoryEntries.RequireFile(Resolve(path, followFinal: true));
            return ValueTask.FromResult<IVfsReader>(new InMemoryReader(this, file, VirtualPath.GetName(path)));
        }
    }

    /// <inheritdoc />
    public ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Offset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset.");
        }
        lock (_gate)
        {
            var lookup = Resolve(path, followFinal: true);
            if (lookup.Parent is null)
            {
                throw new VfsException(VfsError.IsADirectory, "The root is a directory.");
            }
            if (lookup.Node is not null && options.CreateNew)
            {
                throw new VfsException(VfsError.AlreadyExists, "The file exists.");
            }
            var existing = lookup.Node switch
            {
                null => null,
                InMemoryFile file => file,
                InMemoryDirectory => throw new VfsException(VfsError.IsADirectory, "The path is a directory."),
                _ => throw new VfsException(VfsError.Failure, "The path is not a regular file."),
            };
            if (existing is null)
            {
                InMemoryEntries.CheckName(lookup.Name);
            }
            string name = VirtualPath.GetName(path);
            if (options.Atomic)
            {
                // Kept aside until CompleteAsync; starts as a copy unless truncating, so resume and partial
                // overwrite keep POSIX meaning.
                var pending = new InMemoryFile(existing?.Permissions ?? options.Permissions, Now)
                {
                    Counted = true,
                    Uid = existing?.Uid ?? 0,
                    Gid = existing?.Gid ?? 0,
                };
                if (existing is not null && !options.Truncate)
                {
                    Resize(pending, existing.Length);
                    pending.Write(0, existing.ToArray());
                }
                return ValueTask.FromResult<IVfsWriter>(new InMemoryWriter(this, pending, name, options.Offset, path, options.CreateNew));
            }
            var target = existing;
            if (target is null)
            {
                target = new InMemoryFile(options.Permissions, Now) { Counted = true };
                Link(lookup.Parent, lookup.Name, target);
            }
            else if (options.Truncate)
            {
                Resize(target, 0);
                target.SetLength(0);
                target.LastWriteTime = Now;
            }
            return ValueTask.FromResult<IVfsWriter>(new InMemoryWriter(this, target, name, options.Offset, publishPath: null, createNew: false));
        }
    }

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var lookup = Resolve(path, followFinal: false);
            if (lookup.Node is not null)
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            InMemoryEntries.CheckName(lookup.Name);
            Link(lookup.Parent!, lookup.Name, new InMemoryDirectory(DirectoryPermissions, Now));
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var lookup = Resolve(path, followFinal: false);
            var node = InMemoryEntries.RequireNode(lookup);
            if (node is InMemoryDirectory)
            {
                throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
            }
            Unlink(lookup.Parent!, lookup.Name);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var lookup = Resolve(path, followFinal: false);
            var node = InMemoryEntries.RequireNode(lookup);
            if (lookup.Parent is null)
            {
                throw new VfsException(VfsError.PermissionDenied, "The root cannot be removed.");
            }
            var dir = node as InMemoryDirectory ?? throw new VfsException(VfsError.NotADirectory, "Not a directory.");
            if (dir.Children.Count > 0)
            {
                throw new VfsException(VfsError.DirectoryNotEmpty, "The directory is not empty.");
            }
            Unlink(lookup.Parent, lookup.Name);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var source = Resolve(from, followFinal: false);
            var node = InMemoryEntries.RequireNode(source);
            var target = Resolve(to, followFinal: false);
            if (source.Parent is null || target.Parent is null)
            {
                throw new VfsException(VfsError.PermissionDenied, "The root cannot be renamed.");
            }
            if (ReferenceEquals(node, target.Node))
            {
                return ValueTask.CompletedTask; // same entry, or two hard links of one file: rename(2) does nothing
            }
            if (node is InMemoryDirectory && InMemoryEntries.IsInside(target.Parent, (InMemoryDirectory)node))
            {
                throw new VfsException(VfsError.InvalidPath, "A directory cannot move inside itself.");
            }
            if (target.Node is not null)
            {
                if (!overwrite)
                {
                    throw new VfsException(VfsError.AlreadyExists, "The target exists.");
                }
                switch (node, target.Node)
                {
                    case (InMemoryDirectory, InMemoryDirectory existingDir) when existingDir.Children.Count > 0:
                        throw new VfsException(VfsError.DirectoryNotEmpty, "The target directory is not empty.");
                    case (InMemoryDirectory, not InMemoryDirectory):
                        throw new VfsException(VfsError.NotADirectory, "The target is not a directory.");
                    case (not InMemoryDirectory, InMemoryDirectory):
                        throw new VfsException(VfsError.IsADirectory, "The target is a directory.");
                }
                Unlink(target.Parent, target.Name);
            }
            else
            {
                InMemoryEntries.CheckName(target.Name);
            }
            source.Parent.Children.Remove(source.Name);
            source.Parent.LastWriteTime = Now;
            target.Parent.Children.Add(target.Name, node);
            target.Parent.LastWriteTime = Now;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _ = InMemoryEntries.RequireNode(Resolve(path, followFinal: true));
            long total = _capacityBytes ?? Math.Max(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, _usedBytes);
            long totalBlocks = total / BlockSize;
            long freeBlocks = Math.Max(0, (total - _usedBytes) / BlockSize);
            long totalFiles = int.MaxValue;
            return ValueTask.FromResult(new VfsSpaceInfo(
                BlockSize, totalBlocks, freeBlocks, freeBlocks, totalFiles, totalFiles - _nodeCount, MaxNameLength));
        }
    }

    // ---- used by the reader and writer ----

    internal int ReadFile(InMemoryFile file, long offset, Span<byte> buffer)
    {
        lock (_gate)
        {
            return file.Read(offset, buffer);
        }
    }

    internal VfsFileInfo Describe(InMemoryNode node, string name)
    {
        lock (_gate)
        {
            return node.ToInfo(name);
        }
    }

    internal void WriteFile(InMemoryFile file, long offset, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            long end = offset + data.Length;
            if (end > file.Length)
            {
                Resize(file, end);
            }
            file.Write(offset, data);
            file.LastWriteTime = Now;
        }
    }

    /// <summary>Drops an atomic upload that was never published.</summary>
    internal void Discard(InMemoryFile pending)
    {
        lock (_gate)
        {
            if (pending.LinkCount == 0 && pending.Counted)
            {
                pending.Counted = false;
                _usedBytes -= pending.Length;
            }
        }
    }
}
