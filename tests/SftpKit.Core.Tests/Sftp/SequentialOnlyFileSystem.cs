using SftpKit.FileSystem;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// Wraps an <see cref="InMemoryFileSystem"/> so its writers are sequential only (as an object store's), which makes
/// the SFTP layer bridge out-of-order writes with its reorder window and temporary file.
/// </summary>
internal sealed class SequentialOnlyFileSystem(InMemoryFileSystem inner) : IVirtualFileSystem
{
    /// <summary>When set, every write waits for this task first (storage slower than the client).</summary>
    public Task? WriteGate { get; init; }

    /// <summary>Bytes written through this file system's writers so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    private long _bytesWritten;

    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken) => inner.GetInfoAsync(path, followLinks, cancellationToken);

    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken) => inner.SetInfoAsync(path, change, followLinks, cancellationToken);

    public IAsyncEnumerable<VfsFileInfo> ListAsync(string path, CancellationToken cancellationToken) => inner.ListAsync(path, cancellationToken);

    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken) => inner.OpenReadAsync(path, cancellationToken);

    public async ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
        => new SequentialWriter(await inner.OpenWriteAsync(path, options, cancellationToken), this);

    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken) => inner.RenameAsync(from, to, overwrite, cancellationToken);

    private sealed class SequentialWriter(IVfsWriter inner, SequentialOnlyFileSystem owner) : IVfsWriter
    {
        public long Position => inner.Position;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (owner.WriteGate is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
            }
            await inner.WriteAsync(data, cancellationToken);
            Interlocked.Add(ref owner._bytesWritten, data.Length);
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => inner.CompleteAsync(cancellationToken);

        public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) => inner.GetInfoAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
