using SftpKit.FileSystem;

namespace SftpKit.Events.Email;

/// <summary>
/// A read-only, seekable <see cref="Stream"/> over an open file of the account's storage, ending at the length measured
/// when it was opened (so a file growing meanwhile never sends more than was counted against the attachment limit).
/// Synchronous reads wait for the storage; the mail library reads asynchronously while sending.
/// </summary>
internal sealed class VfsReadStream(IVfsReader reader, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[Math.Min(buffer.Length, 64 * 1024)];
        int read = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, read).CopyTo(buffer);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        long left = length - _position;
        if (left <= 0 || buffer.IsEmpty)
        {
            return 0;
        }
        if (buffer.Length > left)
        {
            buffer = buffer[..(int)left];
        }
        int read = await reader.ReadAsync(_position, buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool _disposed;

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
