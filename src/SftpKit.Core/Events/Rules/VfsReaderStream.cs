using SftpKit.FileSystem;

namespace SftpKit.Events.Rules;

/// <summary>A forward-only read stream over a file opened in a virtual file system; disposing it closes the reader and the file system.</summary>
internal sealed class VfsReaderStream : Stream
{
    private readonly IVfsReader _reader;
    private readonly IVirtualFileSystem? _owner;
    private long _position;

    public VfsReaderStream(IVfsReader reader, IVirtualFileSystem? owner)
    {
        _reader = reader;
        _owner = owner;
    }

    /// <summary>Opens <paramref name="path"/> in <paramref name="fs"/>, which the stream then owns.</summary>
    public static async Task<VfsReaderStream> OpenAsync(IVirtualFileSystem fs, string path, CancellationToken cancellationToken)
    {
        try
        {
            var reader = await fs.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
            return new VfsReaderStream(reader, fs);
        }
        catch
        {
            await DisposeFileSystemAsync(fs).ConfigureAwait(false);
            throw;
        }
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _reader.ReadAsync(_position, buffer, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        if (_owner is not null)
        {
            await DisposeFileSystemAsync(_owner).ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (_owner is not null)
            {
                DisposeFileSystemAsync(_owner).AsTask().GetAwaiter().GetResult();
            }
        }
        base.Dispose(disposing);
    }

    internal static async ValueTask DisposeFileSystemAsync(IVirtualFileSystem fs)
    {
        if (fs is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (fs is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
