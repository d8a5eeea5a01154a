namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// A write-only stream in front of the response body for <see cref="System.IO.Compression.ZipArchive"/>, which still
/// writes some headers synchronously (the server refuses synchronous writes): synchronous writes are kept in memory
/// and sent, in order, before the next asynchronous write or flush. Only small pieces (entry headers, the central
/// directory) come synchronously; more than <see cref="MaxPending"/> bytes pending at once fails the write.
/// </summary>
internal sealed class SyncWriteBufferStream : Stream
{
    /// <summary>Most bytes kept from synchronous writes before they are sent: 16 MiB.</summary>
    public const int MaxPending = 16 * 1024 * 1024;

    private readonly Stream _inner;
    private readonly MemoryStream _pending = new();
    private long _written;

    public SyncWriteBufferStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes written so far (zip needs the position of each entry even on an unseekable stream).</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_pending.Length + buffer.Length > MaxPending)
        {
            throw new IOException("Too much data written synchronously.");
        }
        _pending.Write(buffer);
        _written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendPendingAsync(cancellationToken);
        await _inner.WriteAsync(buffer, cancellationToken);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendPendingAsync(cancellationToken);
        await _inner.FlushAsync(cancellationToken);
    }

    /// <summary>Sends what synchronous writes left.</summary>
    public async ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length > 0)
        {
            await _inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
            _pending.SetLength(0);
        }
    }

    public override void Flush()
    {
        // Pending bytes go out with the next asynchronous write or flush.
    }

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
