namespace SftpKit.AspNetCore.Web;

/// <summary>
/// The stream a streamed zip is written to: <see cref="System.IO.Compression.ZipArchive"/> writes some of its headers
/// synchronously (when one entry is finished as the next is created, and at the end), which the server's response
/// body refuses. Those writes land in a small in-memory queue; <see cref="DrainAsync"/> (called after each block of
/// entry data and each entry) and asynchronous writes past <see cref="DrainThreshold"/> send it on asynchronously, so
/// the queue stays around one block of data plus headers.
/// </summary>
internal sealed class ZipResponseStream : Stream
{
    /// <summary>Queued bytes above which an asynchronous write sends the queue on first: 64 KiB.</summary>
    public const int DrainThreshold = 64 * 1024;

    private readonly Stream _inner;
    private readonly MemoryStream _pending = new();

    public ZipResponseStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Bytes written but not yet sent.</summary>
    public long Pending => _pending.Length;

    public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending.Length > 0)
        {
            _pending.Write(buffer.Span);
            if (_pending.Length >= DrainThreshold)
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            return;
        }
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Sends what synchronous writes queued.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            return;
        }
        await _inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken).ConfigureAwait(false);
        _pending.SetLength(0);
        if (_pending.Capacity > 4 * DrainThreshold)
        {
            _pending.Capacity = DrainThreshold; // a burst does not stay allocated
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => DrainAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }
        base.Dispose(disposing);
    }
}
