using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// The whole file-system contract, run through a <see cref="MountedFileSystem"/> at a nested mount point whose
/// parents exist nowhere (<c>/srv/box</c>): every path crosses the mount translation both ways.
/// </summary>
public sealed class MountedInMemoryContractTests : FileSystemContractTests
{
    protected override IVirtualFileSystem CreateFileSystem()
        => new MountPointView(new MountedFileSystem(new InMemoryFileSystem(), new VfsMount("/srv/box", new InMemoryFileSystem())), "/srv/box");
}

/// <summary>The contract over a <see cref="LocalFileSystem"/> mounted below an in-memory root.</summary>
public sealed class MountedLocalContractTests : FileSystemContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-mnt-" + Guid.NewGuid().ToString("N"));

    protected override IVirtualFileSystem CreateFileSystem()
    {
        var local = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });
        return new MountPointView(new MountedFileSystem(new InMemoryFileSystem(), new VfsMount("/srv/box", local)), "/srv/box");
    }

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Shows the subtree under <paramref name="prefix"/> of a mounted file system as a file system of its own (prefixing
/// every path, stripping the prefix from link targets), so the contract tests run against the mount point.
/// </summary>
internal sealed class MountPointView(MountedFileSystem fs, string prefix) :
    IVirtualFileSystem, IVfsSymbolicLinks, IVfsHardLinks, IVfsSpaceInfo, IVfsServerSideCopy
{
    private string P(string path) => path == "/" ? prefix : prefix + path;

    /// <summary>This view's own path-translating capabilities; the random-access marker is the mounted file system's.</summary>
    public T? GetCapability<T>()
        where T : class
        => this as T ?? (typeof(T) == typeof(IVfsRandomAccessWrites) ? ((IVirtualFileSystem)fs).GetCapability<T>() : null);

    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken) => fs.GetInfoAsync(P(path), followLinks, cancellationToken);

    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken) => fs.SetInfoAsync(P(path), change, followLinks, cancellationToken);

    public IAsyncEnumerable<VfsFileInfo> ListAsync(string path, CancellationToken cancellationToken) => fs.ListAsync(P(path), cancellationToken);

    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken) => fs.OpenReadAsync(P(path), cancellationToken);

    public ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken) => fs.OpenWriteAsync(P(path), options, cancellationToken);

    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => fs.CreateDirectoryAsync(P(path), cancellationToken);

    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => fs.DeleteFileAsync(P(path), cancellationToken);

    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => fs.DeleteDirectoryAsync(P(path), cancellationToken);

    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken) => fs.RenameAsync(P(from), P(to), overwrite, cancellationToken);

    public ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken)
        => fs.CreateSymbolicLinkAsync(P(linkPath), target.StartsWith('/') ? P(target) : target, cancellationToken);

    public async ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
    {
        string target = await fs.ReadSymbolicLinkAsync(P(linkPath), cancellationToken);
        return target.StartsWith(prefix + "/", StringComparison.Ordinal) ? target[prefix.Length..] : target;
    }

    public ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken) => fs.CreateHardLinkAsync(P(existingPath), P(newPath), cancellationToken);

    public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken) => fs.GetSpaceAsync(P(path), cancellationToken);

    public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        => fs.CopyAsync(P(from), fromOffset, length, P(to), toOffset, cancellationToken);
}
