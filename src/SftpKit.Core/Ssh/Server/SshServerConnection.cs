using System.IO.Pipelines;
using System.Net;
using System.Text;
using SftpKit.Ssh.Connection;
using SftpKit.Ssh.KeyExchange;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Server;

/// <summary>
/// One server-side SSH connection over any duplex byte stream: version exchange, then a single read loop that
/// dispatches each packet by its message number's range to the transport, auth or connection layer. Every protocol
/// violation ends here, in one catch ladder, as SSH_MSG_DISCONNECT with a generic description; the detail goes to
/// the log.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "RunAsync (or RefuseAsync) owns and disposes the transport, services and token source when the connection ends.")]
internal sealed partial class SshServerConnection : IWatchedConnection
{
    private readonly Stream _stream;
    private readonly SshServerContext _server;
    private readonly SshServerSettings _settings;
    private readonly EndPoint? _remoteEndPoint;
    private readonly CancellationTokenSource _aborted = new();
    private SshTransport? _transport;
    private KeyExchangeHandler? _kex;
    private SshUserAuthHandler? _auth;
    private ConnectionService? _connection;
    private long _lastActivityTicks = Environment.TickCount64;
    private long _startedTicks = Environment.TickCount64;
    private CancellationTokenSource? _watchdog;
    private volatile bool _authenticated;
    private volatile string? _closeDescription;
    private volatile bool _disconnectSent;
    private ISftpSessionLease? _sessionLease;

    public SshServerConnection(Stream stream, EndPoint? remoteEndPoint, SshServerContext server, string id, SftpConnection? info = null)
    {
        _stream = stream;
        _remoteEndPoint = remoteEndPoint;
        _server = server;
        _settings = server.Settings;
        Id = id;
        Info = info ?? new SftpConnection(id, remoteEndPoint, TimeProvider.System, metrics: null);
        Info.OnCloseRequested(Close);
    }

    /// <summary>The connection as the registry and channel handlers see it.</summary>
    public SftpConnection Info { get; }

    public string Id { get; }

    public EndPoint? RemoteEndPoint => _remoteEndPoint;

    public string? UserName { get; private set; }

    /// <summary>Called once, when the client has authenticated (the server's unauthenticated-connection gate lets go).</summary>
    internal Action? Authenticated { get; set; }

    /// <summary>
    /// Called when the client's NEWKEYS arrived, a message the server does not answer: the host acknowledges it on the
    /// network at once (<see cref="Networking.TcpAcknowledgement"/>), so a client using Nagle's algorithm does not hold
    /// its SERVICE_REQUEST back for the delayed ACK.
    /// </summary>
    internal Action? AcknowledgeReceived { get; init; }

    /// <summary>True once the client sent any USERAUTH_REQUEST: it tried to log in rather than stall the handshake.</summary>
    internal bool AuthenticationAttempted { get; private set; }

    /// <summary>True when the client authenticated.</summary>
    internal bool IsAuthenticated => _authenticated;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Asks the connection to end with a DISCONNECT (used at server shutdown).</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended.
        }
    }

    /// <summary>Ends the connection with DISCONNECT BY_APPLICATION and <paramref name="description"/> (registry close).</summary>
    private void Close(string description)
    {
        _closeDescription = description;
        // DISCONNECT goes out first: the handlers cancelled by Abort would otherwise close their channels before it,
        // and the client would see a plain channel close instead of the reason.
        if (_authenticated)
        {
            SendDisconnect(SshDisconnectReason.ByApplication, description);
        }
        Abort();
    }

    public async Task RunAsync()
    {
        var logger = _server.Logger;
        // Zero-byte reads: an idle connection waits on the socket without a rented read buffer (Kestrel's
        // WaitForDataBeforeAllocatingBuffer); the 64 KiB buffer is rented when bytes are there, and returned once
        // they are consumed.
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true,
            useZeroByteReads: true));
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        using var watchdog = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, watchdog.Token);
        var token = linked.Token;
        _startedTicks = Environment.TickCount64;
        _watchdog = watchdog;
        SshConnectionWatchdog.Shared.Add(this);
        try
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes(_settings.VersionLine + "\r\n"), token).ConfigureAwait(false);
            string clientVersion;
            try
            {
                clientVersion = await VersionExchange.ReadClientVersionAsync(input, _settings.MaxVersionLineLength, token).ConfigureAwait(false);
            }
            catch (SshProtocolException ex) when (ex.Reason != SshDisconnectReason.ConnectionLost)
            {
                SshServerLog.ProtocolError(logger, Id, ex.Reason, ex.Message);
                await output.WriteAsync("Invalid SSH identification string.\r\n"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
                return;
            }
            SshServerLog.ClientVersion(logger, Id, clientVersion);
            Info.SetClientVersion(clientVersion);
            StartTransport(input, output, clientVersion);
            while (true)
            {
                var payload = await _transport!.ReadPacketAsync(token).ConfigureAwait(false);
                if (!await DispatchAsync(payload, token).ConfigureAwait(false))
                {
                    return;
                }
                RekeyWhenDue();
            }
        }
        catch (SshProtocolException ex)
        {
            if (ex.Reason == SshDisconnectReason.ConnectionLost)
            {
                SshServerLog.ConnectionClosed(logger, Id);
            }
            else
            {
                SshServerLog.ProtocolError(logger, Id, ex.Reason, ex.Message);
                SendDisconnect(ex.Reason, GenericDescription(ex.Reason));
            }
        }
        catch (OperationCanceledException)
        {
            if (watchdog.IsCancellationRequested)
            {
                SshServerLog.Timeout(logger, Id, _authenticated ? "idle" : "login grace");
                SendDisconnect(SshDisconnectReason.ByApplication, "Timeout.");
            }
            else if (_closeDescription is { } description)
            {
                SshServerLog.ConnectionClosedByApplication(logger, Id);
                if (!_disconnectSent)
                {
                    SendDisconnect(SshDisconnectReason.ByApplication, description);
                }
            }
            else
            {
                SendDisconnect(SshDisconnectReason.ByApplication, "Server shutting down.");
            }
        }
        catch (IOException)
        {
            SshServerLog.ConnectionClosed(logger, Id);
        }
        catch (AuthenticationUnavailableException ex)
        {
            SshServerLog.AuthenticationUnavailable(logger, Id, ex.InnerException!);
            SendDisconnect(SshDisconnectReason.ByApplication, "Authentication is temporarily unavailable; try again later.");
        }
#pragma warning disable CA1031 // One connection's failure must never take the server down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SshServerLog.ConnectionFailed(logger, Id, ex);
            SendDisconnect(SshDisconnectReason.ByApplication, "Internal error.");
        }
        finally
        {
            SshConnectionWatchdog.Shared.Remove(this);
            _watchdog = null;
            await watchdog.CancelAsync().ConfigureAwait(false);
            await EndAsync(input, output).ConfigureAwait(false);
        }
    }

    /// <summary>The binary packet layer, our first KEXINIT, and the ssh-userauth service waiting for its request.</summary>
    private void StartTransport(PipeReader input, PipeWriter output, string clientVersion)
    {
        var transport = new SshTransport(input, output, _settings.MaxPacketSize, _settings.OutboundDataSlots, _settings.MaxQueuedMessages);
        _transport = transport;
        transport.StartWriter();
        var kex = new KeyExchangeHandler(transport, _settings.Algorithms, _server.HostKeys, clientVersion, _settings.VersionLine);
        _kex = kex;
        kex.Begin();
        var policies = _server.Policies;
        _auth = _server.StartUserAuth(new SshUserAuthStart(transport, () => kex.SessionId!, () => kex.HostKeyBlob,
            (user, method, passed) => new SshAuthContext(user, _remoteEndPoint, clientVersion, Id, method, passed),
            policies is null ? null : AdmitSessionAsync, _settings.FailedPasswordDelay, policies?.Time ?? TimeProvider.System));
    }

    /// <summary>After a packet: starts a key exchange once the rekey limits (bytes or time) are reached.</summary>
    private void RekeyWhenDue()
    {
        var kex = _kex!;
        if (!kex.FirstKexDone || kex.InProgress)
        {
            return;
        }
        long bytesSinceKex = _transport!.BytesSinceKex;
        var sinceKex = DateTime.UtcNow - kex.LastKexUtc;
        if (bytesSinceKex >= _settings.RekeyBytes || sinceKex >= _settings.RekeyInterval)
        {
            kex.Begin();
            SshServerLog.RekeyStarted(_server.Logger, Id, bytesSinceKex, sinceKex);
        }
    }

    /// <summary>Releases what the connection holds once its loop ended: channels, transport, pipes, stream and lease.</summary>
    private async Task EndAsync(PipeReader input, PipeWriter output)
    {
        _connection?.Dispose();
        if (_transport is not null)
        {
            // Only a DISCONNECT of ours is worth waiting for; when the peer left, the writer has nothing to deliver
            // and waiting would keep the connection counted against the limits for nothing.
            await _transport.StopWriterAsync(_disconnectSent ? TimeSpan.FromSeconds(2) : TimeSpan.Zero).ConfigureAwait(false);
            if (_disconnectSent)
            {
                await LingerQuietlyAsync(input).ConfigureAwait(false);
            }
        }
        if (_connection is not null)
        {
            await Task.WhenAny(_connection.WhenHandlersDoneAsync(), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
        _kex?.Dispose();
        if (_transport is not null)
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        await input.CompleteAsync().ConfigureAwait(false);
        await output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        if (_authenticated)
        {
            _server.Policies?.Metrics.SessionEnded();
        }
        if (_sessionLease is { } lease)
        {
            await ReleaseLeaseAsync(lease).ConfigureAwait(false);
        }
        _aborted.Dispose();
    }
}
