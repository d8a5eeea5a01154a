using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>The core operations of another file system and none of its capabilities; test doubles derive from it.</summary>
internal class ForwardingFileSystem(IVirtualFileSystem inner) : IVirtualFileSystem
{
    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken) => inner.GetInfoAsync(path, followLinks, cancellationToken);

    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken) => inner.SetInfoAsync(path, change, followLinks, cancellationToken);

    public IAsyncEnumerable<VfsFileInfo> ListAsync(string path, CancellationToken cancellationToken) => inner.ListAsync(path, cancellationToken);

    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken) => inner.OpenReadAsync(path, cancellationToken);

    public ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken) => inner.OpenWriteAsync(path, options, cancellationToken);

    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken) => inner.RenameAsync(from, to, overwrite, cancellationToken);
}
