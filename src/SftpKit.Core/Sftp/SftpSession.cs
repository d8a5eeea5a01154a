using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// One SFTP v3 session over a duplex byte stream (an SSH channel or stdin/stdout). The read loop frames packets and
/// the dispatcher looks each up in <see cref="SftpRequestTable"/> (an array index by type; EXTENDED by name) and
/// enforces what the row says: INIT first and only once, read-only sessions refuse writing rows with
/// PERMISSION_DENIED before the file system sees them, WRITE data counts against the write budget. The row's handler
/// runs on the queue of the handle the row locates (or the path queue), so requests on one handle keep their order
/// while different handles run concurrently. At most
/// <see cref="SftpSubsystemOptions.MaxInFlightRequests"/> run at once, holding at most
/// <see cref="SftpSubsystemOptions.MaxInFlightWriteBytes"/> of WRITE data: past either the loop stops reading, which
/// pushes back through the SSH window (so a client faster than the storage costs window + budget, not 64 × 255 KiB).
/// </summary>
internal sealed class SftpSession : IAsyncDisposable
{
    private readonly SftpSubsystemOptions _options;
    private readonly SftpOutput _output;
    private readonly ILogger _logger;
    private readonly string _sessionId;
    private readonly SftpHandleTable _handles;
    private readonly SemaphoreSlim _inFlight;
    private readonly SftpWriteBudget _writeBudget;
    private readonly SftpRequestQueue _pathQueue = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly SftpRequestContext _context;
    private bool _initialized;
    private string? _protocolError;

    public SftpSession(IVirtualFileSystem fs, Stream output, SftpSubsystemOptions options, ILogger logger, string sessionId)
    {
        _options = options;
        _output = new SftpOutput(output);
        _logger = logger;
        _sessionId = sessionId;
        _handles = new SftpHandleTable(options.MaxOpenHandles);
        _inFlight = new SemaphoreSlim(options.MaxInFlightRequests, options.MaxInFlightRequests);
        _writeBudget = new SftpWriteBudget(options.MaxInFlightWriteBytes);
        _context = new SftpRequestContext(fs, options, _output, _handles, logger, sessionId, _cts.Token);
    }

    private CancellationToken Token => _cts.Token;

    /// <summary>Serves until the client's EOF; 0 for a clean end, 1 after a protocol error.</summary>
    /// <remarks>
    /// The stream is read with zero-byte reads: while the client is idle the session holds no read buffer (the
    /// 64 KiB one is rented when bytes are there and returned once they are consumed).
    /// </remarks>
    public Task<int> RunAsync(Stream input, CancellationToken cancellationToken)
        => RunAsync(PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true,
            useZeroByteReads: true)), cancellationToken);

    /// <summary>Serves <paramref name="reader"/> until the client's EOF, and completes it; 0 for a clean end, 1 after a protocol error.</summary>
    public async Task<int> RunAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        try
        {
            while (!Token.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(Token);
                var buffer = result.Buffer;
                try
                {
                    while (SftpPacketReader.TryReadPacket(ref buffer, out var packet))
                    {
                        await DispatchAsync(packet);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (SftpProtocolException ex)
        {
            _protocolError ??= ex.Message;
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        finally
        {
            await reader.CompleteAsync();
            await WaitForRequestsAsync(cancellationToken);
            await CloseAllHandlesAsync();
        }
        if (_protocolError is not null)
        {
            SftpLog.ProtocolError(_logger, _sessionId, _protocolError);
            return 1;
        }
        SftpLog.SessionEnded(_logger, _sessionId);
        return 0;
    }

    /// <summary>
    /// The one dispatcher: finds the packet's row, then (for every row alike) takes an in-flight slot and the WRITE
    /// budget and queues the handler behind the requests on the same handle.
    /// </summary>
    private async ValueTask DispatchAsync(SftpPacket packet)
    {
        if (!_initialized || packet.Type == SftpPacketType.Init)
        {
            using (packet)
            {
                if (_initialized)
                {
                    throw new SftpProtocolException("INIT after initialisation.");
                }
                if (packet.Type != SftpPacketType.Init)
                {
                    throw new SftpProtocolException("The first packet was not INIT.");
                }
                _initialized = true;
                await SftpRequestTable.Find(SftpPacketType.Init)!.Handler(_context, packet.Id, packet.CreateReader());
            }
            return;
        }
        try
        {
            await _inFlight.WaitAsync(Token);
        }
        catch
        {
            packet.Dispose();
            throw;
        }
        var reader = packet.CreateReader();
        SftpRequest? request;
        int budget = 0;
        SftpHandle? handle;
        try
        {
            request = SftpRequestTable.Resolve(packet.Type, ref reader);
            budget = request is { HoldsWriteData: true } ? packet.Length : 0;
            if (budget > 0)
            {
                await _writeBudget.AcquireAsync(budget, Token);
            }
            try
            {
                handle = FindTargetHandle(request, reader);
            }
            catch
            {
                _writeBudget.Release(budget);
                throw;
            }
        }
        catch
        {
            packet.Dispose();
            _inFlight.Release();
            throw;
        }
        if (handle is null && FindPathBarrier(request, reader) is { } barrier)
        {
            // A path request naming an upload in flight runs after what was sent on its handles before it.
            _pathQueue.Enqueue(async () =>
            {
                await barrier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await ProcessAsync(request, packet, budget);
            });
            return;
        }
        var queue = handle?.Queue ?? _pathQueue;
        queue.Enqueue(() => ProcessAsync(request, packet, budget));
    }

    /// <summary>
    /// What a path request must wait for when a path it names (the first field, and the second of a rename or link)
    /// has an atomic upload of this session in flight: the requests queued on that upload's handles; null otherwise.
    /// </summary>
    private Task? FindPathBarrier(SftpRequest? request, SftpPayloadReader reader)
    {
        if (request is null || request.Locate is not null || _context.InFlight.IsEmpty)
        {
            return null;
        }
        try
        {
            var first = _context.InFlight.BarrierFor(SftpRequestContext.Resolve(reader.ReadString()));
            var second = reader.Remaining >= 4 && request.Name is "rename" or "symlink" or SftpExtensions.PosixRename or SftpExtensions.Hardlink
                ? _context.InFlight.BarrierFor(SftpRequestContext.Resolve(reader.ReadString()))
                : null;
            return first is not null && second is not null ? Task.WhenAll(first, second) : first ?? second;
        }
        catch (Exception ex) when (ex is SftpProtocolException or VfsException or DecoderFallbackException)
        {
            // Malformed here is malformed for the handler too, which answers it.
            return null;
        }
    }

    /// <summary>The handle whose queue a request joins, as its row locates it; null for the path queue.</summary>
    private SftpHandle? FindTargetHandle(SftpRequest? request, SftpPayloadReader reader)
        => request?.Locate is { } locate ? _handles.Find(locate(ref reader).Span) : null;

    private async Task ProcessAsync(SftpRequest? request, SftpPacket packet, int budget)
    {
        try
        {
            if (request is null)
            {
                await _context.SendStatusAsync(packet.Id, SftpStatusCode.OpUnsupported);
                return;
            }
            using var span = SftpKitActivitySource.Source.HasListeners() ? StartSpan(request) : null;
            try
            {
                await RunHandlerAsync(request, packet);
            }
            catch (VfsException ex)
            {
                span?.SetTag("sftp.status", ex.Error.ToString());
                span?.SetStatus(ActivityStatusCode.Error);
                SftpLog.FileSystemError(_logger, _sessionId, request.Name, ex.Error);
                var (code, message) = SftpErrors.Map(ex.Error);
                await _context.SendStatusAsync(packet.Id, code, message);
            }
        }
        catch (SftpProtocolException ex)
        {
            _protocolError ??= ex.Message;
            await _cts.CancelAsync();
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (IOException) when (Token.IsCancellationRequested)
        {
            // The channel went away while replying.
        }
#pragma warning disable CA1031 // One bad request must not end the session: the client gets FAILURE, the log the detail.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SftpLog.RequestFailed(_logger, _sessionId, request?.Name ?? "unknown", ex);
            await TrySendFailureAsync(packet.Id);
        }
        finally
        {
            packet.Dispose();
            if (budget > 0)
            {
                _writeBudget.Release(budget);
            }
            _inFlight.Release();
        }
    }

    /// <summary>The request's span (<c>sftp.&lt;name&gt;</c>), a child of the connection's; the storage calls go under it.</summary>
    private static Activity? StartSpan(SftpRequest request)
    {
        var span = SftpKitActivitySource.Source.StartActivity(request.SpanName, ActivityKind.Server);
        span?.SetTag("sftp.request", request.Name);
        return span;
    }

    /// <summary>The row's handler over the request's fields, unless a read-only session refuses a writing row.</summary>
    private Task RunHandlerAsync(SftpRequest request, SftpPacket packet)
    {
        // Not async, so the reader lives on the stack: a READ's state carries no copy of it.
        var reader = SftpRequestTable.FieldsOf(packet);
        if (_options.ReadOnly && request.WritesWith(reader))
        {
            SftpLog.ReadOnlyRefused(_logger, _sessionId, request.Name);
            return _context.SendStatusAsync(packet.Id, SftpStatusCode.PermissionDenied).AsTask();
        }
        return request.Handler(_context, packet.Id, reader);
    }

    private async Task TrySendFailureAsync(uint id)
    {
        try
        {
            await _context.SendStatusAsync(id, SftpStatusCode.Failure);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Waits until every request handed out has finished (so a CLOSE that arrived before EOF completes).</summary>
    private async Task WaitForRequestsAsync(CancellationToken cancellationToken)
    {
        int taken = 0;
        try
        {
            for (; taken < _options.MaxInFlightRequests; taken++)
            {
                await _inFlight.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Server shutdown: stop waiting politely; cancel handlers and let them unwind.
            await _cts.CancelAsync();
            for (; taken < _options.MaxInFlightRequests; taken++)
            {
                await _inFlight.WaitAsync(CancellationToken.None);
            }
        }
        _inFlight.Release(taken);
    }

    /// <summary>Session end: every handle still open is disposed; an atomic upload never closed is discarded.</summary>
    private async Task CloseAllHandlesAsync()
    {
        foreach (var handle in _handles.RemoveAll())
        {
            if (handle is SftpFileHandle { Upload: not null })
            {
                SftpLog.UploadDiscarded(_logger, _sessionId, handle.Path);
            }
            try
            {
                await handle.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                SftpLog.RequestFailed(_logger, _sessionId, "cleanup", ex);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _cts.Dispose();
        _output.Dispose();
        _inFlight.Dispose();
    }
}
