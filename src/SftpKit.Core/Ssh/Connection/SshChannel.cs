using System.Buffers;
using System.IO.Pipelines;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Connection;

/// <summary>
/// One session channel (RFC 4254 §5): flow control both ways and the close handshake. Incoming data lands in a pipe
/// bounded by the window we grant; the window is re-opened as the handler consumes, in steps of half the initial
/// window. Outgoing data waits for the client's window, which is used as given (never clamped).
/// </summary>
internal sealed class SshChannel : IDisposable
{
    private readonly SshTransport _transport;
    private readonly ChannelInputScheduler _inputScheduler = new();
    private readonly Pipe _inbound;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _aborted = new();
    private readonly uint _initialWindow;
    private readonly int _maxChunk;
    private long _remoteWindow;
    private readonly long _windowReserve;
    private long _localWindow;
    private long _consumedSinceAdjust;
    private TaskCompletionSource? _windowWaiter;
    private bool _localClosed;
    private bool _remoteClosed;
    private bool _remoteEof; // set and read by the connection's read loop only

    public SshChannel(SshTransport transport, uint localId, uint remoteId, uint remoteWindow, uint remoteMaxPacket, uint localWindow, int maxChunk,
        long windowReserve = 0)
    {
        _transport = transport;
        _inbound = new Pipe(new PipeOptions(readerScheduler: _inputScheduler, pauseWriterThreshold: 0, useSynchronizationContext: false));
        LocalId = localId;
        RemoteId = remoteId;
        _remoteWindow = remoteWindow;
        _windowReserve = windowReserve;
        _initialWindow = localWindow;
        _localWindow = localWindow;
        _maxChunk = (int)Math.Min(remoteMaxPacket, (uint)maxChunk);
        Input = new ChannelInputStream(this, _inbound.Reader);
        InputReader = new ChannelPipeReader(this, _inbound.Reader, _inputScheduler);
        Output = new ChannelOutputStream(this, 0);
        Error = new ChannelOutputStream(this, 1);
    }

    public uint LocalId { get; }
    public uint RemoteId { get; }
    public Stream Input { get; }

    /// <summary>The same bytes as <see cref="Input"/>, read straight from the channel's pipe (use one or the other).</summary>
    public PipeReader InputReader { get; }
    public Stream Output { get; }
    public Stream Error { get; }

    /// <summary>True once a subsystem/exec/shell request was accepted: later ones are refused.</summary>
    public bool Started { get; set; }

    public Task? HandlerTask { get; set; }

    public CancellationToken Aborted => _aborted.Token;

    public bool FullyClosed
    {
        get
        {
            lock (_gate)
            {
                return _localClosed && _remoteClosed;
            }
        }
    }

    /// <summary>Called by the read loop for CHANNEL_DATA; data beyond the window we granted is a protocol error.</summary>
    public void OnData(ReadOnlySpan<byte> data)
    {
        if (data.Length > Interlocked.Read(ref _localWindow))
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Channel data exceeds window.");
        }
        Interlocked.Add(ref _localWindow, -data.Length);
        if (_remoteClosed)
        {
            return;
        }
        if (_remoteEof)
        {
            // Data after EOF (RFC 4254 §5.3 forbids it) has no reader: as OpenSSH, drop it and re-open the window.
            OnConsumed(data.Length);
            return;
        }
        _inbound.Writer.Write(data);
        // pauseWriterThreshold 0: the window, not the pipe, bounds buffered bytes, so this never waits.
        var flush = _inbound.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            throw new InvalidOperationException("Channel input pipe unexpectedly applied back-pressure.");
        }
        flush.GetAwaiter().GetResult();
    }

    /// <summary>Extended data from the client has no reader: count it against the window and re-open it at once.</summary>
    public void OnIgnoredData(int length)
    {
        if (length > Interlocked.Read(ref _localWindow))
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Channel data exceeds window.");
        }
        Interlocked.Add(ref _localWindow, -length);
        OnConsumed(length);
    }

    public void OnEof()
    {
        _remoteEof = true;
        _inbound.Writer.Complete();
    }

    public void OnWindowAdjust(uint bytes)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _remoteWindow += bytes;
            if (_remoteWindow > uint.MaxValue)
            {
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Channel window overflow.");
            }
            waiter = _windowWaiter;
            _windowWaiter = null;
        }
        waiter?.TrySetResult();
    }

    /// <summary>The client closed: finish input, stop the handler, and answer CLOSE unless we already sent it.</summary>
    public void OnRemoteClose()
    {
        bool sendClose;
        lock (_gate)
        {
            _remoteClosed = true;
            sendClose = !_localClosed;
            _localClosed = true;
        }
        _inbound.Writer.Complete();
        _aborted.Cancel();
        _windowWaiter?.TrySetResult();
        if (sendClose)
        {
            lock (_gate)
            {
                _transport.Send(new ChannelCloseMessage(RemoteId));
            }
        }
    }

    /// <summary>The handler finished: exit-status, EOF and CLOSE, in that order, after all queued data.</summary>
    public void Complete(int exitStatus)
    {
        lock (_gate)
        {
            if (_localClosed)
            {
                return;
            }
            Span<byte> status = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(status, (uint)exitStatus);
            _transport.Send(new ChannelRequestMessage(RemoteId, "exit-status", wantReply: false, status));
            _transport.Send(new ChannelEofMessage(RemoteId));
            _transport.Send(new ChannelCloseMessage(RemoteId));
            _localClosed = true;
        }
    }

    /// <summary>Sends data as CHANNEL_DATA (type 0) or EXTENDED_DATA (type 1), waiting for window and data slots.</summary>
    /// <remarks>
    /// Every SFTP reply comes through here, and almost always finds window and a data slot free; the token linking
    /// the caller's cancellation with the channel's abort is only made when one of them has to be waited for.
    /// </remarks>
    public async ValueTask SendDataAsync(ReadOnlyMemory<byte> data, uint dataType, CancellationToken cancellationToken)
    {
        CancellationTokenSource? linked = null;
        try
        {
            while (!data.IsEmpty)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _aborted.Token.ThrowIfCancellationRequested();
                int wanted = Math.Min(data.Length, _maxChunk);
                int chunk = TryReserveWindow(wanted);
                if (chunk == 0)
                {
                    linked ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _aborted.Token);
                    chunk = await ReserveWindowAsync(wanted, linked.Token).ConfigureAwait(false);
                }
                if (!_transport.TryAcquireDataSlot())
                {
                    linked ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _aborted.Token);
                    try
                    {
                        await _transport.AcquireDataSlotAsync(linked.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        ReturnWindow(chunk);
                        throw;
                    }
                }
                data = EnqueueChunk(data, chunk, dataType);
            }
        }
        finally
        {
            linked?.Dispose();
        }
    }

    /// <summary>Queues the first <paramref name="chunk"/> bytes (window and data slot already held); returns the rest.</summary>
    private ReadOnlyMemory<byte> EnqueueChunk(ReadOnlyMemory<byte> data, int chunk, uint dataType)
    {
        int header = dataType == 0 ? ChannelDataMessage.HeaderLength : ChannelExtendedDataMessage.HeaderLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(header + chunk);
        var span = buffer.AsSpan();
        if (dataType == 0)
        {
            ChannelDataMessage.WriteHeader(span, RemoteId, chunk);
        }
        else
        {
            ChannelExtendedDataMessage.WriteHeader(span, RemoteId, dataType, chunk);
        }
        data.Span[..chunk].CopyTo(span[header..]);
        lock (_gate)
        {
            if (_localClosed)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                _transport.ReleaseDataSlot();
                throw new IOException("The channel is closed.");
            }
            _transport.Enqueue(new OutboundMessage(buffer, header + chunk, OutboundKind.ChannelData));
        }
        return data[chunk..];
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of the client's window without waiting; 0 when it is empty.</summary>
    private int TryReserveWindow(int wanted)
    {
        lock (_gate)
        {
            if (_localClosed)
            {
                throw new IOException("The channel is closed.");
            }
            long usable = _remoteWindow - _windowReserve;
            if (usable <= 0)
            {
                return 0;
            }
            int granted = (int)Math.Min(wanted, usable);
            _remoteWindow -= granted;
            return granted;
        }
    }

    /// <summary>Gives back window reserved for a chunk that was never sent.</summary>
    private void ReturnWindow(int bytes)
    {
        lock (_gate)
        {
            _remoteWindow += bytes;
        }
    }

    private async ValueTask<int> ReserveWindowAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_localClosed)
                {
                    throw new IOException("The channel is closed.");
                }
                long usable = _remoteWindow - _windowReserve;
                if (usable > 0)
                {
                    int granted = (int)Math.Min(wanted, usable);
                    _remoteWindow -= granted;
                    return granted;
                }
                _windowWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _windowWaiter.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The handler consumed input: re-open our window once half of it is used.</summary>
    internal void OnConsumed(int bytes)
    {
        long pending = Interlocked.Add(ref _consumedSinceAdjust, bytes);
        if (pending < _initialWindow / 2)
        {
            return;
        }
        Interlocked.Add(ref _consumedSinceAdjust, -pending);
        lock (_gate)
        {
            if (_localClosed)
            {
                return;
            }
            Interlocked.Add(ref _localWindow, pending);
            _transport.Send(new ChannelWindowAdjustMessage(RemoteId, (uint)pending));
        }
    }

    /// <summary>The connection is going away: wake and cancel everything waiting on this channel.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _localClosed = true;
            _remoteClosed = true;
        }
        _inbound.Writer.Complete();
        _aborted.Cancel();
        _windowWaiter?.TrySetResult();
    }

    public void Dispose() => _aborted.Dispose();
}
