using System.Net.Sockets;

namespace SftpKit.Hosting;

/// <summary>
/// A <see cref="NetworkStream"/> that counts the bytes read from and written to its socket, for the Disconnect event.
/// It stays a NetworkStream (the refusal path shuts the socket down through it) and adds nothing per read but two
/// an atomic add. A derived NetworkStream's span overloads go through its array overloads, and the array async and
/// APM forms here go through the memory ones, so every byte is counted exactly once.
/// </summary>
internal sealed class ByteCountingNetworkStream : NetworkStream
{
    private long _bytesRead;
    private long _bytesWritten;

    public ByteCountingNetworkStream(Socket socket)
        : base(socket, ownsSocket: true)
    {
    }

    /// <summary>Bytes received from the peer so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes handed to the socket for the peer so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    public override int Read(byte[] buffer, int offset, int count) => Received(base.Read(buffer, offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = base.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? ValueTask.FromResult(Received(read.Result)) : AwaitReceivedAsync(read);
    }

    public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state)
        => TaskToAsyncResult.Begin(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override int EndRead(IAsyncResult asyncResult) => TaskToAsyncResult.End<int>(asyncResult);

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        Sent(count);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var write = base.WriteAsync(buffer, cancellationToken);
        if (write.IsCompletedSuccessfully)
        {
            Sent(buffer.Length);
            return ValueTask.CompletedTask;
        }
        return AwaitSentAsync(write, buffer.Length);
    }

    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state)
        => TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    private int Received(int count)
    {
        Interlocked.Add(ref _bytesRead, count);
        return count;
    }

    private void Sent(int count) => Interlocked.Add(ref _bytesWritten, count);

    private async ValueTask<int> AwaitReceivedAsync(ValueTask<int> read) => Received(await read.ConfigureAwait(false));

    private async ValueTask AwaitSentAsync(ValueTask write, int count)
    {
        await write.ConfigureAwait(false);
        Sent(count);
    }
}
