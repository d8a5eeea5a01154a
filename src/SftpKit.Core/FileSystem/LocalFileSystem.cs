using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// A file system rooted at a directory of the local disk (Linux and macOS). Every virtual path maps to
/// <see cref="LocalFileSystemOptions.RootPath"/> + path, and the real path of every existing component, symbolic links
/// resolved, must stay inside the root: a link made by anyone (<c>ln -s /etc root/evil</c>) that leads outside is
/// refused with <see cref="VfsError.PermissionDenied"/>. File content is read and written through handles whose real
/// path is checked again after opening (Linux, via <c>/proc/self/fd</c>), or that were opened through a path with no
/// symbolic link in it at all (Linux 5.6+, <c>openat2</c> with <c>RESOLVE_NO_SYMLINKS</c>), which cannot lead out.
/// <para>
/// Residual risks, for operators: (1) a hard link made by another process from inside the root to a file outside it
/// is indistinguishable from a regular file and is served — do not let untrusted local users create entries inside
/// the root; (2) on Linux (x86_64, arm64), every operation that changes or reads an entry acts through a handle of its
/// parent directory (or of the directory itself, for listings) that is checked inside the root first: atomic uploads
/// (<c>openat</c>, <c>renameat2</c>, <c>unlinkat</c>), mkdir, delete, rmdir, rename, stat, chmod (<c>fchmodat</c>),
/// utimes (<c>utimensat</c>), chown (<c>fchownat</c>), truncate (<c>openat</c> + <c>ftruncate</c>), symlink,
/// readlink, hard link (<c>linkat</c>) and listing (the open directory enumerated through <c>/proc/self/fd</c>, each
/// entry stat'ed relative to it), so a directory swapped for a link in the path meanwhile cannot redirect them. What
/// still goes by path after the check: free-space figures (<c>statvfs</c>), publishing an atomic upload whose
/// temporary lives in <see cref="LocalFileSystemOptions.TempDirectory"/> (its target directory is re-resolved, then
/// renamed into by path), and rename without replace on a file system that lacks <c>RENAME_NOREPLACE</c>; (3) on
/// other platforms (no <c>*at</c> calls, no <c>/proc</c>), every operation checks the path and then uses it, so a
/// local process able to write inside the root could swap a directory for a link in between and redirect that one
/// operation.
/// </para>
/// Symbolic links created by clients are stored relative to their directory, so they resolve inside the root for
/// any process; an absolute virtual target is read back as the same virtual path.
/// </summary>
public sealed partial class LocalFileSystem : IVirtualFileSystem, IVfsRandomAccessWrites, IVfsSpaceInfo, IVfsInfoProbe
{
    internal const string TempPrefix = ".sftpkit-";
    internal const string TempSuffix = ".tmp";
    private const uint DirectoryMode = 0x1FF; // 0777, masked by the umask as mkdir(2) does (0755 with the default 022)
    private const FileShare Share = FileShare.ReadWrite | FileShare.Delete;

    private readonly LocalPathResolver _paths;
    private readonly LocalFileSystemOptions _options;
    private readonly string? _tempDirectory;
    private readonly LocalLinks _links;
    private readonly LocalServerSideCopy _copy;
    private readonly LocalOwner _owner;

    /// <summary>Creates the file system, creating <see cref="LocalFileSystemOptions.RootPath"/> if it is missing.</summary>
    /// <exception cref="ArgumentException">RootPath is empty.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows.</exception>
    public LocalFileSystem(LocalFileSystemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RootPath))
        {
            throw new ArgumentException("LocalFileSystemOptions.RootPath is required.", nameof(options));
        }
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("LocalFileSystem needs a Unix-like operating system.");
        }
        _options = options;
        _paths = new LocalPathResolver(options.RootPath);
        if (options.TempDirectory is { } temp)
        {
            Directory.CreateDirectory(temp);
            _tempDirectory = Path.GetFullPath(temp);
        }
        _owner = new LocalOwner(options);
        _links = new LocalLinks(this);
        _copy = new LocalServerSideCopy(this);
    }

    /// <summary>The canonical real path of the root directory.</summary>
    public string RootPath => _paths.Root;

    internal LocalPathResolver Paths => _paths;

    internal LocalOwner Owner => _owner;

    /// <inheritdoc />
    /// <remarks>
    /// This instance for <see cref="IVfsRandomAccessWrites"/>, <see cref="IVfsSpaceInfo"/> and
    /// <see cref="IVfsInfoProbe"/>; <see cref="IVfsSymbolicLinks"/> and <see cref="IVfsHardLinks"/> (made through the
    /// confined parent directory, stored relative) and <see cref="IVfsServerSideCopy"/> (copy_file_range(2) where it
    /// can, else a 256 KiB buffer) are objects of their own.
    /// </remarks>
    public T? GetCapability<T>()
        where T : class
        => VfsCapabilities.FirstOf<T>(this, _links, _copy);

    /// <inheritdoc />
    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() => TryDescribeWithoutLinks(path, followLinks, out var info)
            ? info ?? throw new VfsException(VfsError.NotFound, "No such file or directory.")
            : DescribeConfined(_paths.Resolve(path, followLinks), VirtualPath.GetName(path))));
    }

    ValueTask<VfsFileInfo?> IVfsInfoProbe.TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() => TryDescribeWithoutLinks(path, followLinks, out var info)
            ? info
            : TryDescribeConfined(_paths.Resolve(path, followLinks), VirtualPath.GetName(path))));
    }

    /// <inheritdoc />
    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        cancellationToken.ThrowIfCancellationRequested();
        Run(() =>
        {
            string real = _paths.Resolve(path, followLinks);
            if (UnixNative.HasDirectoryCalls)
            {
                SetInfoConfined(real, change);
                return true;
            }
            var stat = LocalEntries.Describe(real, VirtualPath.GetName(path));
            bool isLink = stat.Type == VfsFileType.SymbolicLink;
            if (change.Size is { } size)
            {
                if (stat.Type == VfsFileType.Directory)
                {
                    throw new VfsException(VfsError.IsADirectory, "Is a directory.");
                }
                using var handle = OpenChecked(real, FileMode.Open, FileAccess.Write);
                RandomAccess.SetLength(handle, size);
            }
            if (change.Owner is { } owner)
            {
                int errno = UnixNative.LChown(real, owner.Uid, owner.Gid);
                if (errno != 0)
                {
                    throw LocalErrorMapper.FromErrno(errno);
                }
            }
            // Linux cannot change a link's own mode, and .NET sets times through links: leave links alone.
            if (!isLink && change.Permissions is { } permissions)
            {
                UnixNative.SetMode(real, permissions);
            }
            if (!isLink && change.Times is { } times)
            {
                File.SetLastAccessTimeUtc(real, times.Access.UtcDateTime);
                File.SetLastWriteTimeUtc(real, times.Write.UtcDateTime);
            }
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string real = Run(() => _paths.Resolve(path, followFinal: true));
        var listing = UnixNative.HasDirectoryCalls && LocalListing.ProcFdAvailable ? LocalListing.ListConfined(this, real, cancellationToken) : LocalListing.ListByPath(real, cancellationToken);
        foreach (var info in listing)
        {
            yield return info;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IVfsReader>(Run(() =>
        {
            // The path as it stands first: when it opens with no link on its way, no resolution is needed at all.
            string real = _paths.ToReal(path);
            var linkFree = real == _paths.Root ? null : _paths.TryOpenReadWithoutLinks(real);
            if (linkFree is null)
            {
                real = _paths.Resolve(path, followFinal: true);
                linkFree = _paths.TryOpenReadWithoutLinks(real);
            }
            if (linkFree is not null)
            {
                // Walked with no link, so inside the root without the /proc re-check; one fstat tells a directory.
                if (UnixNative.FStat((int)linkFree.DangerousGetHandle()) is { Type: VfsFileType.Directory })
                {
                    linkFree.Dispose();
                    throw new VfsException(VfsError.IsADirectory, "Is a directory.");
                }
                return new LocalReader(this, linkFree, VirtualPath.GetName(path));
            }
            if (Directory.Exists(real))
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            var handle = OpenChecked(real, FileMode.Open, FileAccess.Read);
            return new LocalReader(this, handle, VirtualPath.GetName(path));
        }));
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
        return ValueTask.FromResult<IVfsWriter>(Run(() => OpenWriter(path, options)));
    }

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run(() =>
        {
            string real = _paths.Resolve(path, followFinal: false);
            uint mode = DirectoryMode & ~_options.Umask;
            if (UnixNative.HasDirectoryCalls)
            {
                AtConfinedParent(real, (parent, name) =>
                {
                    int errno = UnixNative.MakeDirectoryAt(parent, name, mode);
                    if (errno == 0)
                    {
                        _owner.Apply(parent, name);
                    }
                    return errno;
                });
                return true;
            }
            int errno = UnixNative.MakeDirectory(real, mode);
            if (errno != 0)
            {
                throw LocalErrorMapper.FromErrno(errno);
            }
            UnixNative.SetMode(real, mode); // mkdir applied the process umask, not ours
            _owner.Apply(real);
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run(() =>
        {
            string real = _paths.Resolve(path, followFinal: false);
            var info = LocalEntries.Describe(real, "");
            if (info.Type == VfsFileType.Directory)
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            if (UnixNative.HasDirectoryCalls)
            {
                AtConfinedParent(real, static (parent, name) => UnixNative.UnlinkAt(parent, name));
                return true;
            }
            File.Delete(real);
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run(() =>
        {
            string real = _paths.Resolve(path, followFinal: false);
            if (real == _paths.Root)
            {
                throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
            }
            var info = LocalEntries.Describe(real, "");
            if (info.Type != VfsFileType.Directory)
            {
                throw new VfsException(VfsError.NotADirectory, "Not a directory.");
            }
            if (UnixNative.HasDirectoryCalls)
            {
                AtConfinedParent(real, static (parent, name) => UnixNative.UnlinkAt(parent, name, directoryEntry: true));
                return true;
            }
            Directory.Delete(real, recursive: false);
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run(() =>
        {
            string source = _paths.Resolve(from, followFinal: false);
            string target = _paths.Resolve(to, followFinal: false);
            if (source == _paths.Root || target == _paths.Root)
            {
                throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
            }
            _ = LocalEntries.Describe(source, ""); // NotFound before anything else
            if (UnixNative.HasDirectoryCalls)
            {
                // Both parents are pinned and checked inside the root first, so a link swapped into either path
                // meanwhile cannot move the entry out of (or into) the root.
                var (sourceParent, sourceName) = LocalPathResolver.Split(source);
                var (targetParent, targetName) = LocalPathResolver.Split(target);
                using var fromParent = OpenConfinedDirectory(sourceParent);
                using var toParent = OpenConfinedDirectory(targetParent);
                int errno = UnixNative.RenameAt(fromParent, sourceName, toParent, targetName, overwrite);
                if ((errno != UnixErrno.EINVAL && errno != UnixErrno.ENOSYS) || overwrite)
                {
                    return errno == 0 ? true : throw LocalEntries.MoveError(errno);
                }
                // RENAME_NOREPLACE unsupported by this file system: the path-based check-then-rename below.
            }
            LocalEntries.MoveEntry(source, target, overwrite);
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() =>
        {
            string real = _paths.Resolve(path, followFinal: true);
            if (UnixNative.StatVfs(real) is { } space)
            {
                return space;
            }
            var drive = new DriveInfo(real);
            const long Block = 4096;
            return new VfsSpaceInfo(Block, drive.TotalSize / Block, drive.TotalFreeSpace / Block, drive.AvailableFreeSpace / Block, 0, 0, 255);
        }));
    }

    // ---- helpers ----

    /// <summary>Opens <paramref name="real"/> and checks the handle's real path is still inside the root.</summary>
    internal SafeFileHandle OpenChecked(string real, FileMode mode, FileAccess access)
    {
        var handle = File.OpenHandle(real, mode, access, Share, FileOptions.Asynchronous);
        try
        {
            _paths.VerifyHandle(handle);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Runs a synchronous file operation, mapping every OS failure to a <see cref="VfsException"/>.</summary>
    internal static T Run<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalErrorMapper.FromException(ex);
        }
    }
}
