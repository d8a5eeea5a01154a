using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// One SFTP v3 session over a duplex byte stream (an SSH channel or stdin/stdout). The read loop frames packets and
/// hands each to <see cref="SftpRequestTable"/>'s handler on the queue of the handle it names (or the path queue),
/// so requests on one handle keep their order while different handles run concurrently. At most
/// <see cref="SftpSubsystemOptions.MaxInFlightRequests"/> run at once, holding at most
/// <see cref="SftpSubsystemOptions.MaxInFlightWriteBytes"/> of WRITE data: past either the loop stops reading, which
/// pushes back through the SSH window (so a client faster than the storage costs window + budget, not 64 × 255 KiB).
/// </summary>
internal sealed partial class SftpSession : IAsyncDisposable
{
    public const uint ProtocolVersion = 3;

    private readonly IVirtualFileSystem _fs;
    private readonly SftpSubsystemOptions _options;
    private readonly SftpOutput _output;
    private readonly ILogger _logger;
    private readonly string _sessionId;
    private readonly SftpHandleTable _handles;
    private readonly SemaphoreSlim _inFlight;
    private readonly SftpWriteBudget _writeBudget;
    private readonly SftpRequestQueue _pathQueue = new();
    private readonly CancellationTokenSource _cts = new();
    private bool _initialized;
    private string? _protocolError;

    public SftpSession(IVirtualFileSystem fs, Stream output, SftpSubsystemOptions options, ILogger logger, string sessionId)
    {
        _fs = fs;
        _options = options;
        _output = new SftpOutput(output);
        _logger = logger;
        _sessionId = sessionId;
        _handles = new SftpHandleTable(options.MaxOpenHandles);
        _inFlight = new SemaphoreSlim(options.MaxInFlightRequests, options.MaxInFlightRequests);
        _writeBudget = new SftpWriteBudget(options.MaxInFlightWriteBytes);
    }

    private CancellationToken Token => _cts.Token;

    /// <summary>Serves until the client's EOF; 0 for a clean end, 1 after a protocol error.</summary>
    public async Task<int> RunAsync(Stream input, CancellationToken cancellationToken)
    {
        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        var reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
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

    private async ValueTask DispatchAsync(SftpPacket packet)
    {
        if (!_initialized)
        {
            using (packet)
            {
                if (packet.Type != SftpPacketType.Init)
                {
                    throw new SftpProtocolException("The first packet was not INIT.");
                }
                _initialized = true;
                SftpLog.SessionStarted(_logger, _sessionId, packet.Id);
                await _output.SendAsync(SftpExtensions.CreateVersionReply(), Token);
            }
            return;
        }
        if (packet.Type == SftpPacketType.Init)
        {
            packet.Dispose();
            throw new SftpProtocolException("INIT after initialisation.");
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
        int budget = packet.Type == SftpPacketType.Write ? packet.Length : 0;
        var request = SftpRequestTable.Find(packet.Type);
        SftpHandle? handle;
        try
        {
            if (budget > 0)
            {
                await _writeBudget.AcquireAsync(budget, Token);
            }
            try
            {
                handle = request is null ? null : FindTargetHandle(request, packet);
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
        var queue = handle?.Queue ?? _pathQueue;
        queue.Enqueue(() => ProcessAsync(request, packet, budget));
    }

    /// <summary>The handle whose queue a request joins: the first field of handle requests, or as the extension says.</summary>
    private SftpHandle? FindTargetHandle(SftpRequest request, SftpPacket packet)
    {
        if (request.TakesHandle)
        {
            var reader = packet.CreateReader();
            return _handles.Find(reader.ReadBytes().Span);
        }
        if (packet.Type == SftpPacketType.Extended)
        {
            var reader = packet.CreateReader();
            string name = reader.ReadString();
            return SftpExtensions.TargetHandle(name, ref reader) is { } handle ? _handles.Find(handle.Span) : null;
        }
        return null;
    }

    private async Task ProcessAsync(SftpRequest? request, SftpPacket packet, int budget)
    {
        try
        {
            if (request is null)
            {
                await SendStatusAsync(packet.Id, SftpStatusCode.OpUnsupported);
                return;
            }
            try
            {
                await request.Handler(this, packet);
            }
            catch (VfsException ex)
            {
                SftpLog.FileSystemError(_logger, _sessionId, request.Name, ex.Error);
                var (code, message) = SftpErrors.Map(ex.Error);
                await SendStatusAsync(packet.Id, code, message);
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

    private async Task TrySendFailureAsync(uint id)
    {
        try
        {
            await SendStatusAsync(id, SftpStatusCode.Failure);
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

    /// <summary>A client path made into a virtual path: relative paths start at the home directory <c>/</c>.</summary>
    private static string Resolve(string path) => VirtualPath.Normalize(path, VirtualPath.Root);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _cts.Dispose();
        _output.Dispose();
        _inFlight.Dispose();
    }
}
