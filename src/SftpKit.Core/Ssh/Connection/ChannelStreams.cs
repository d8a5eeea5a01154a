using System.Buffers;
using System.IO.Pipelines;

namespace SftpKit.Ssh.Connection;

/// <summary>The client's bytes on a channel, as a read-only stream; each read re-opens the window as it consumes.</summary>
internal sealed class ChannelInputStream : Stream
{
    private readonly SshChannel _channel;
    private readonly PipeReader _reader;

    public ChannelInputStream(SshChannel channel, PipeReader reader)
    {
        _channel = channel;
        _reader = reader;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <remarks>
    /// A zero-byte read waits until bytes are there (or the client's EOF) and consumes nothing, as a socket's does:
    /// a reader with <see cref="StreamPipeReaderOptions.UseZeroByteReads"/> rents its buffer only then.
    /// </remarks>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            var ready = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            _reader.AdvanceTo(ready.Buffer.Start);
            return 0;
        }
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = result.Buffer;
            if (!data.IsEmpty)
            {
                int count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                _reader.AdvanceTo(data.GetPosition(count));
                _channel.OnConsumed(count);
                return count;
            }
            _reader.AdvanceTo(data.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// The client's bytes on a channel as a <see cref="PipeReader"/> over the channel's own pipe: no buffer or copy of its
/// own (an idle channel holds no memory), and <see cref="AdvanceTo(SequencePosition, SequencePosition)"/> re-opens the
/// window by the bytes consumed. Its reader must never block a thread (it continues inline on the connection's read
/// loop; <see cref="ChannelInputScheduler"/>).
/// </summary>
internal sealed class ChannelPipeReader : PipeReader
{
    private readonly SshChannel _channel;
    private readonly PipeReader _reader;
    private readonly ChannelInputScheduler _scheduler;
    private ReadOnlySequence<byte> _lastRead;

    public ChannelPipeReader(SshChannel channel, PipeReader reader, ChannelInputScheduler scheduler)
    {
        _channel = channel;
        _reader = reader;
        _scheduler = scheduler;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        _scheduler.RunInline();
        var read = _reader.ReadAsync(cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            var result = read.Result;
            _lastRead = result.Buffer;
            return ValueTask.FromResult(result);
        }
        return AwaitReadAsync(read);
    }

    private async ValueTask<ReadResult> AwaitReadAsync(ValueTask<ReadResult> read)
    {
        var result = await read.ConfigureAwait(false);
        _lastRead = result.Buffer;
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_reader.TryRead(out result))
        {
            _lastRead = result.Buffer;
            return true;
        }
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        long count = _lastRead.Slice(_lastRead.Start, consumed).Length;
        _lastRead = default;
        _reader.AdvanceTo(consumed, examined);
        if (count > 0)
        {
            _channel.OnConsumed((int)count);
        }
    }

    public override void CancelPendingRead() => _reader.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _reader.Complete(exception);
}

/// <summary>Standard output or error of a channel; writes wait for the client's window.</summary>
internal sealed class ChannelOutputStream : Stream
{
    private readonly SshChannel _channel;
    private readonly uint _dataType;

    public ChannelOutputStream(SshChannel channel, uint dataType)
    {
        _channel = channel;
        _dataType = dataType;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _channel.SendDataAsync(buffer, _dataType, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
