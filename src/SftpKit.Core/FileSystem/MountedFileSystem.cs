using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SftpKit.FileSystem;

/// <summary>
/// Virtual folders: a root file system with other file systems mounted at virtual paths, as one
/// <see cref="IVirtualFileSystem"/>. Hand it to a session through the principal property <c>SftpKit.FileSystem</c>
/// (or an <c>ISftpFileSystemProvider</c>) like any other file system.
/// <list type="bullet">
/// <item>Mounts may nest; the longest mount prefix wins, and a mounted file system sees paths relative to its mount
/// point (<c>/shared/a</c> → <c>/a</c>). Every incoming path is normalised first, so no path can leave the mount
/// that owns it.</item>
/// <item>Mount points are listed as directories of their parent (shadowing a same-named entry of the parent's file
/// system) and answer stat, even when the parent directories do not exist in the file system below; such
/// intermediate directories list their mount points, but new entries cannot be created in them
/// (<see cref="VfsError.PermissionDenied"/>).</item>
/// <item>Mount points and their ancestors cannot be removed, renamed or replaced (<see cref="VfsError.PermissionDenied"/>).</item>
/// <item>A rename inside one file system is delegated to it. A rename across mounts copies then deletes: files are
/// streamed with a pooled buffer of <see cref="CopyBufferSize"/> bytes into an atomic upload, directories are copied
/// recursively up to <see cref="MountedFileSystemOptions.MaxCrossMountEntries"/> entries, symbolic links are
/// recreated. Such a move is not atomic: if copying fails, what was copied is removed and the source is kept.</item>
/// <item>Capabilities (<see cref="GetCapability{T}"/>) are present when a file system of the table has them and are
/// routed by path: symbolic and hard links are created only inside one file system (a link whose target lies in
/// another mount is refused with <see cref="VfsError.Unsupported"/>); server-side copy inside one file system uses
/// its <see cref="IVfsServerSideCopy"/> when it has one, otherwise the bytes are streamed. A capability the owning
/// file system lacks fails with <see cref="VfsError.Unsupported"/>. Random-access writes are a property of each
/// writer (<see cref="IVfsRandomAccessWriter"/>), so mounts with and without them mix.</item>
/// </list>
/// </summary>
public sealed partial class MountedFileSystem : IVirtualFileSystem, IVfsInfoProbe
{
    /// <summary>Size of the pooled buffer a copy across file systems streams through, in bytes. 128 KiB.</summary>
    public const int CopyBufferSize = 128 * 1024;

    private const uint VirtualDirectoryPermissions = 0x1ED; // 0755

    private readonly MountTable _table;
    private readonly MountedFileSystemOptions _options;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;
    private readonly SymbolicLinks? _symbolicLinks;
    private readonly HardLinks? _hardLinks;
    private readonly Space? _space;
    private readonly Copy? _copy;
    private readonly RandomAccessWrites? _randomAccessWrites;

    /// <summary>Combines <paramref name="root"/> with <paramref name="mounts"/>.</summary>
    /// <param name="root">The file system seen everywhere no mount is.</param>
    /// <param name="mounts">File systems and their mount points (absolute, not <c>/</c>, each used once).</param>
    /// <param name="options">Limits; defaults to <see cref="MountedFileSystemOptions"/>' defaults.</param>
    /// <param name="logger">Where refusals and cross-mount moves are logged. Defaults to no logging.</param>
    /// <exception cref="ArgumentException">A mount point is relative, <c>/</c>, invalid or used twice.</exception>
    public MountedFileSystem(IVirtualFileSystem root, IEnumerable<VfsMount> mounts, MountedFileSystemOptions? options = null, ILogger? logger = null)
    {
        _table = new MountTable(root, mounts);
        _options = options ?? new MountedFileSystemOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxCrossMountEntries, 1, nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _symbolicLinks = AnyHas<IVfsSymbolicLinks>() ? new SymbolicLinks(this) : null;
        _hardLinks = AnyHas<IVfsHardLinks>() ? new HardLinks(this) : null;
        _space = AnyHas<IVfsSpaceInfo>() ? new Space(_table) : null;
        _copy = AnyHas<IVfsServerSideCopy>() ? new Copy(_table) : null;
        _randomAccessWrites = _table.FileSystems.All(fs => fs.GetCapability<IVfsRandomAccessWrites>() is not null) ? RandomAccessWrites.Instance : null;
    }

    /// <summary>Combines <paramref name="root"/> with <paramref name="mounts"/>, with default options.</summary>
    public MountedFileSystem(IVirtualFileSystem root, params VfsMount[] mounts)
        : this(root, (IEnumerable<VfsMount>)mounts)
    {
    }

    /// <summary>The mounts, with normalised mount points, in the order given.</summary>
    public IReadOnlyList<VfsMount> Mounts => _table.Mounts;

    /// <inheritdoc />
    public async ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        var target = _table.Resolve(path);
        if (_table.IsMountPoint(path) || _table.IsMountAncestor(path))
        {
            return await DescribePinnedAsync(path, target, cancellationToken);
        }
        return await target.FileSystem.GetInfoAsync(target.Path, followLinks, cancellationToken);
    }

    /// <inheritdoc />
    async ValueTask<VfsFileInfo?> IVfsInfoProbe.TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        var target = _table.Resolve(path);
        if (_table.IsMountPoint(path) || _table.IsMountAncestor(path))
        {
            return await DescribePinnedAsync(path, target, cancellationToken);
        }
        return await VfsInfoProbe.TryGetInfoAsync(target.FileSystem, target.Path, followLinks, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        var target = _table.Resolve(path);
        try
        {
            await target.FileSystem.SetInfoAsync(target.Path, change, followLinks, cancellationToken);
        }
        catch (VfsException e) when (_table.IsMountAncestor(path) && e.Error is VfsError.NotFound or VfsError.NotADirectory)
        {
            throw Protected("setstat", path);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        var target = _table.Resolve(path);
        var pinned = _table.PinnedChildren(path);
        bool virtualDirectory = _table.IsMountAncestor(path);
        await using (var entries = target.FileSystem.ListAsync(target.Path, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                try
                {
                    if (!await entries.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (VfsException e) when (virtualDirectory && e.Error is VfsError.NotFound or VfsError.NotADirectory)
                {
                    break; // only the mount points make this directory
                }
                if (!pinned.Contains(entries.Current.Name))
                {
                    yield return entries.Current;
                }
            }
        }
        foreach (string name in pinned)
        {
            string child = VirtualPath.Combine(path, name);
            yield return await DescribePinnedAsync(child, _table.Resolve(child), cancellationToken);
        }
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        if (_table.IsPinned(path))
        {
            throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
        }
        var target = _table.Resolve(path);
        return target.FileSystem.OpenReadAsync(target.Path, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        if (_table.IsPinned(path))
        {
            throw new VfsException(VfsError.IsADirectory, "The path is a directory.");
        }
        var target = _table.Resolve(path);
        try
        {
            return await target.FileSystem.OpenWriteAsync(target.Path, options, cancellationToken);
        }
        catch (VfsException e) when (InVirtualParent(path, e))
        {
            throw Protected("create", path);
        }
    }

    /// <inheritdoc />
    public async ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        if (_table.IsPinned(path))
        {
            throw new VfsException(VfsError.AlreadyExists, "The path exists.");
        }
        var target = _table.Resolve(path);
        try
        {
            await target.FileSystem.CreateDirectoryAsync(target.Path, cancellationToken);
        }
        catch (VfsException e) when (InVirtualParent(path, e))
        {
            throw Protected("mkdir", path);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        if (_table.IsPinned(path))
        {
            throw Protected("remove", path);
        }
        var target = _table.Resolve(path);
        return target.FileSystem.DeleteFileAsync(target.Path, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        path = VirtualPath.Normalize(path);
        if (_table.IsPinned(path))
        {
            throw Protected("rmdir", path);
        }
        var target = _table.Resolve(path);
        return target.FileSystem.DeleteDirectoryAsync(target.Path, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Across mounts the entry is copied then deleted (see the type's remarks); a directory of more than
    /// <see cref="MountedFileSystemOptions.MaxCrossMountEntries"/> entries is refused with <see cref="VfsError.Unsupported"/>.
    /// </remarks>
    public async ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        from = VirtualPath.Normalize(from);
        to = VirtualPath.Normalize(to);
        if (_table.IsPinned(from))
        {
            throw Protected("rename", from);
        }
        if (_table.IsPinned(to))
        {
            throw Protected("replace", to);
        }
        var source = _table.Resolve(from);
        var target = _table.Resolve(to);
        if (source.Index != target.Index)
        {
            await new CrossMountMove(this, source, target, from, to).RunAsync(overwrite, cancellationToken);
            return;
        }
        try
        {
            await source.FileSystem.RenameAsync(source.Path, target.Path, overwrite, cancellationToken);
        }
        catch (VfsException e) when (InVirtualParent(to, e))
        {
            throw Protected("create", to);
        }
    }

    // ---- shared helpers ----

    internal MountTable Table => _table;

    internal ILogger Logger => _logger;

    internal int MaxCrossMountEntries => _options.MaxCrossMountEntries;

    /// <summary>Stat of a mount point (its file system's root) or of a mount point's ancestor (the directory below it if there is one).</summary>
    private async ValueTask<VfsFileInfo> DescribePinnedAsync(string path, MountTarget target, CancellationToken cancellationToken)
    {
        string name = VirtualPath.GetName(path);
        try
        {
            var info = await target.FileSystem.GetInfoAsync(target.Path, followLinks: true, cancellationToken);
            if (info.Type == VfsFileType.Directory)
            {
                return info with { Name = name };
            }
        }
        catch (VfsException e) when (e.Error is VfsError.NotFound or VfsError.NotADirectory)
        {
        }
        return new VfsFileInfo
        {
            Name = name,
            Type = VfsFileType.Directory,
            Permissions = VirtualDirectoryPermissions,
            LastWriteTime = _created,
            LastAccessTime = _created,
        };
    }

    /// <summary>True when a create failed because its parent exists only as a mount point's ancestor.</summary>
    private bool InVirtualParent(string path, VfsException e)
        => e.Error is VfsError.NotFound or VfsError.NotADirectory && _table.IsMountAncestor(VirtualPath.GetParent(path));

    internal VfsException Protected(string operation, string path)
    {
        MountLog.MountPointProtected(_logger, operation, path);
        return new VfsException(VfsError.PermissionDenied, "Mount points and their parent directories cannot be changed.");
    }
}
