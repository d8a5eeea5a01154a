using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using SftpKit.Ssh.Messages;

namespace SftpKit.Ssh.Transport;

/// <summary>
/// The binary packet layer of one connection: a reader the connection's single read loop pulls packets from, and a
/// writer loop that drains two queues — key-exchange messages first, then everything else in order — so no sender
/// ever blocks the read loop. While a key exchange is in progress (from our KEXINIT to our NEWKEYS) ordinary
/// messages wait in their queue, as RFC 4253 §7.1 requires. Channel data takes one of a fixed number of data slots,
/// which bounds the bytes queued per connection and pushes back on the channel writers.
/// </summary>
internal sealed class SshTransport : IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly PacketDecoder _decoder;
    private readonly PacketEncoder _encoder = new();
    private readonly Channel<OutboundMessage> _kexQueue = Channel.CreateUnbounded<OutboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<OutboundMessage> _queue = Channel.CreateUnbounded<OutboundMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _turn = new(1, 1);
    private volatile bool _writerStarted;
    private bool _turnHeldAfterStop;
    private readonly SemaphoreSlim _dataSlots;
    private readonly int _maxQueuedMessages;
    private readonly CancellationTokenSource _writerStop = new();
    private int _queuedCount;
    private bool _kexGate;
    private Task? _writerTask;
    private bool _strictKex;
    private bool _inputDrained;

    public SshTransport(PipeReader input, PipeWriter output, int maxPacketLength, int dataSlots, int maxQueuedMessages)
    {
        _input = input;
        _output = output;
        _decoder = new PacketDecoder(maxPacketLength);
        _dataSlots = new SemaphoreSlim(dataSlots, dataSlots);
        _maxQueuedMessages = maxQueuedMessages;
    }

    /// <summary>Completes when the writer loop ends (peer gone, disconnect sent, or a write failed).</summary>
    public Task WriterCompletion => _writerTask ?? Task.CompletedTask;

    /// <summary>Bytes sent plus received since the last completed key exchange (for the rekey limit).</summary>
    public long BytesSinceKex => Volatile.Read(ref _sentSinceKex) + _decoder.BytesReceived;

    private long _sentSinceKex;

    public uint ReceiveSequence => _decoder.Sequence;

    /// <summary>Strict kex (Terrapin fix): sequence numbers restart at 0 after every NEWKEYS, in both directions.</summary>
    public bool StrictKex
    {
        get => Volatile.Read(ref _strictKex);
        set => Volatile.Write(ref _strictKex, value);
    }

    public void StartWriter()
    {
        _writerTask = Task.Run(WriterLoopAsync);
        _writerStarted = true;
        _wake.Release(); // anything queued before the start
    }

    /// <summary>Reads the next packet's payload; it stays valid until the next call. Throws on EOF.</summary>
    /// <remarks>
    /// When the last call left nothing buffered, the decoder's plaintext buffer is returned to the pool first: the
    /// connection is about to wait for the network, and an idle connection should hold no packet buffer.
    /// </remarks>
    public async ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken cancellationToken)
    {
        if (_inputDrained)
        {
            _decoder.ReleaseBuffers();
        }
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool decoded;
            ReadOnlyMemory<byte> payload;
            try
            {
                decoded = _decoder.TryDecode(ref buffer, out payload);
            }
            catch
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }
            if (decoded)
            {
                _inputDrained = buffer.IsEmpty;
                _input.AdvanceTo(buffer.Start);
                return payload;
            }
            if (buffer.IsEmpty)
            {
                _decoder.ReleaseBuffers();
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new SshProtocolException(SshDisconnectReason.ConnectionLost, "Connection closed by peer.");
            }
        }
    }

    /// <summary>Installs the keys for received packets after the peer's NEWKEYS.</summary>
    public void SetOpener(IPacketOpener opener)
    {
        _decoder.Opener.Dispose();
        _decoder.Opener = opener;
        _decoder.BytesReceived = 0;
        Volatile.Write(ref _sentSinceKex, 0);
        if (StrictKex)
        {
            _decoder.Sequence = 0;
        }
    }

    /// <summary>Queues a message; never blocks. Kex-kind messages jump the queue.</summary>
    public void Enqueue(ReadOnlySpan<byte> payload, OutboundKind kind = OutboundKind.Normal, IPacketSealer? nextSealer = null)
        => Enqueue(OutboundMessage.Copy(payload, kind, nextSealer));

    /// <summary>Writes <paramref name="message"/> and queues it, as <see cref="Enqueue(ReadOnlySpan{byte}, OutboundKind, IPacketSealer?)"/>.</summary>
    public void Send<TMessage>(TMessage message, OutboundKind kind = OutboundKind.Normal, IPacketSealer? nextSealer = null)
        where TMessage : ISshMessage<TMessage>, allows ref struct
    {
        using var writer = new SshWriter();
        message.Write(writer);
        Enqueue(writer.WrittenSpan, kind, nextSealer);
    }

    public void Enqueue(OutboundMessage message)
    {
        var target = message.Kind is OutboundKind.Normal or OutboundKind.ChannelData ? _queue : _kexQueue;
        if (Interlocked.Increment(ref _queuedCount) > _maxQueuedMessages && target == _queue)
        {
            // A peer that sends requests without reading replies would otherwise grow this queue without bound.
            Interlocked.Decrement(ref _queuedCount);
            message.Release();
            throw new SshProtocolException(SshDisconnectReason.ByApplication, "Outbound queue limit exceeded.");
        }
        if (!target.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _queuedCount);
            message.Release();
            throw new IOException("The connection is closed.");
        }
        WriteOrWake();
    }

    /// <summary>Waits for a data slot; the slot returns when the writer has written the CHANNEL_DATA.</summary>
    public Task AcquireDataSlotAsync(CancellationToken cancellationToken) => _dataSlots.WaitAsync(cancellationToken);

    /// <summary>Takes a data slot if one is free, without waiting.</summary>
    public bool TryAcquireDataSlot() => _dataSlots.Wait(0);

    public void ReleaseDataSlot() => _dataSlots.Release();

    /// <summary>
    /// The writer loop: woken when a sender could not write its message itself (someone else held the turn), it
    /// takes the turn and writes what is queued. It ends when a DISCONNECT was written, the output completed, a write
    /// failed, or <see cref="StopWriterAsync"/> stopped it; then the queues are closed and what they hold released.
    /// </summary>
    private async Task WriterLoopAsync()
    {
        var stop = _writerStop.Token;
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stop).ConfigureAwait(false);
                await _turn.WaitAsync(stop).ConfigureAwait(false);
                bool more;
                try
                {
                    more = await WriteQueuedAsync(stop).ConfigureAwait(false);
                }
                finally
                {
                    _turn.Release();
                }
                if (!more)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _kexQueue.Writer.TryComplete();
            _queue.Writer.TryComplete();
            Drain(_kexQueue);
            Drain(_queue);
        }
    }

    /// <summary>
    /// After a message was queued: when nobody holds the turn, the sender writes what is queued itself (the socket
    /// send of an idle connection then costs no thread hand-off); otherwise the writer loop is woken. A flush that
    /// cannot complete at once finishes asynchronously, still holding the turn. A failed write stops the writer,
    /// as it would have in the loop; the sender sees the closed connection on its next message.
    /// </summary>
    private void WriteOrWake()
    {
        if (!_writerStarted || !_turn.Wait(0))
        {
            _wake.Release();
            return;
        }
        ValueTask<bool> writing;
        try
        {
            writing = WriteQueuedAsync(_writerStop.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _turn.Release();
            StopAfterInlineWrite();
            return;
        }
        if (writing.IsCompletedSuccessfully)
        {
            _turn.Release();
            if (!writing.Result)
            {
                StopAfterInlineWrite();
            }
            return;
        }
        _ = FinishInlineWriteAsync(writing);
    }

    private async Task FinishInlineWriteAsync(ValueTask<bool> writing)
    {
        bool more = false;
        try
        {
            more = await writing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _turn.Release();
        }
        if (!more)
        {
            StopAfterInlineWrite();
        }
    }

    /// <summary>An inline write ended the writer (DISCONNECT written, output gone): the loop stops and closes the queues.</summary>
    private void StopAfterInlineWrite() => _ = _writerStop.CancelAsync();

    /// <summary>
    /// Writes everything queued, key-exchange messages first and ordinary ones unless a key exchange holds them back,
    /// then flushes. Only the holder of the turn calls it. False once the writer must stop: a DISCONNECT was written
    /// or the output completed.
    /// </summary>
    private async ValueTask<bool> WriteQueuedAsync(CancellationToken stop)
    {
        while (_kexQueue.Reader.TryRead(out var message) || (!_kexGate && _queue.Reader.TryRead(out message)))
        {
            Interlocked.Decrement(ref _queuedCount);
            try
            {
                Volatile.Write(ref _sentSinceKex, _sentSinceKex + _encoder.Encode(message.Payload, _output));
            }
            finally
            {
                message.Release();
                if (message.Kind == OutboundKind.ChannelData)
                {
                    _dataSlots.Release();
                }
            }

            switch (message.Kind)
            {
                case OutboundKind.KexInit:
                    _kexGate = true;
                    break;
                case OutboundKind.NewKeys:
                    _encoder.Sealer.Dispose();
                    _encoder.Sealer = message.NextSealer!;
                    if (StrictKex)
                    {
                        _encoder.Sequence = 0;
                    }
                    _kexGate = false;
                    break;
                case OutboundKind.Disconnect:
                    await _output.FlushAsync(stop).ConfigureAwait(false);
                    return false;
            }

            if (_output.UnflushedBytes > 256 * 1024 && !await FlushAsync(stop).ConfigureAwait(false))
            {
                return false;
            }
        }
        return _output.UnflushedBytes == 0 || await FlushAsync(stop).ConfigureAwait(false);
    }

    private async ValueTask<bool> FlushAsync(CancellationToken stop)
    {
        var flush = await _output.FlushAsync(stop).ConfigureAwait(false);
        return !flush.IsCompleted && !flush.IsCanceled;
    }

    private void Drain(Channel<OutboundMessage> channel)
    {
        while (channel.Reader.TryRead(out var message))
        {
            message.Release();
            if (message.Kind == OutboundKind.ChannelData)
            {
                _dataSlots.Release();
            }
        }
    }

    /// <summary>Stops the writer, waiting up to <paramref name="timeout"/> for queued bytes (a DISCONNECT) to go out.</summary>
    public async Task StopWriterAsync(TimeSpan timeout)
    {
        if (_writerTask is { } task)
        {
            await Task.WhenAny(task, Task.Delay(timeout)).ConfigureAwait(false);
        }
        await _writerStop.CancelAsync().ConfigureAwait(false);
        if (_writerTask is { } t)
        {
            await t.ConfigureAwait(false);
        }
        if (!_turnHeldAfterStop)
        {
            // An inline write still in progress ends (its flush is cancelled) before the encoder may be disposed,
            // and none starts after: the turn is never given back.
            _writerStarted = false;
            await _turn.WaitAsync().ConfigureAwait(false);
            _turnHeldAfterStop = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopWriterAsync(TimeSpan.Zero).ConfigureAwait(false);
        _decoder.Dispose();
        _encoder.Dispose();
        _writerStop.Dispose();
        _wake.Dispose();
        _turn.Dispose();
        _dataSlots.Dispose();
    }
}
