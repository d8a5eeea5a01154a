using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.Hosting;
using SftpKit.Ssh.Authentication;
using SftpKit.Ssh.Connection;
using SftpKit.Ssh.KeyExchange;
using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh;

/// <summary>What every connection of one server shares.</summary>
internal sealed record SshServerContext(
    SftpServerOptions Options,
    IReadOnlyList<SshHostKey> HostKeys,
    ISshAuthenticator Authenticator,
    IReadOnlyList<ISshSubsystemHandler> Subsystems,
    IReadOnlyList<ISshCommandHandler> Commands,
    ILogger Logger,
    UserAuthSettings Auth,
    ConnectionPolicies? Policies = null);

/// <summary>
/// One server-side SSH connection over any duplex byte stream: version exchange, then a single read loop that
/// dispatches each packet to the transport, auth or connection layer. Every protocol violation ends here, in one
/// catch ladder, as SSH_MSG_DISCONNECT with a generic description; the detail goes to the log.
/// </summary>
#pragma warning disable CA1001 // RunAsync owns and disposes the transport and token source when the connection ends.
internal sealed class SshServerConnection
#pragma warning restore CA1001
{
    private readonly Stream _stream;
    private readonly SshServerContext _server;
    private readonly EndPoint? _remoteEndPoint;
    private readonly CancellationTokenSource _aborted = new();
    private SshTransport? _transport;
    private long _lastActivityTicks = Environment.TickCount64;
    private volatile bool _authenticated;
    private volatile string? _closeDescription;
    private volatile bool _disconnectSent;
    private ISftpSessionLease? _sessionLease;

    public SshServerConnection(Stream stream, EndPoint? remoteEndPoint, SshServerContext server, string id, SftpConnection? info = null)
    {
        _stream = stream;
        _remoteEndPoint = remoteEndPoint;
        _server = server;
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

    /// <summary>True once the client sent any USERAUTH_REQUEST: it tried to log in rather than stall the handshake.</summary>
    internal bool AuthenticationAttempted { get; private set; }

    /// <summary>True when the client authenticated.</summary>
    internal bool IsAuthenticated => _authenticated;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    private string ServerVersionLine => "SSH-2.0-" + _server.Options.ServerVersion;

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
        var options = _server.Options;
        var limits = options.Limits;
        var logger = _server.Logger;
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true));
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        using var watchdog = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_aborted.Token, watchdog.Token);
        var token = linked.Token;
        var watchdogTask = WatchdogAsync(limits, watchdog);
        KeyExchangeHandler? kex = null;
        ConnectionService? connection = null;
        try
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes(ServerVersionLine + "\r\n"), token).ConfigureAwait(false);
            string clientVersion;
            try
            {
                clientVersion = await VersionExchange.ReadClientVersionAsync(input, limits.MaxVersionLineLength, token).ConfigureAwait(false);
            }
            catch (SshProtocolException ex) when (ex.Reason != SshDisconnectReason.ConnectionLost)
            {
                Log.ProtocolError(logger, Id, ex.Reason, ex.Message);
                await output.WriteAsync("Invalid SSH identification string.\r\n"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
                return;
            }
            Log.ClientVersion(logger, Id, clientVersion);
            Info.SetClientVersion(clientVersion);

            _transport = new SshTransport(input, output, limits.MaxPacketSize, limits.OutboundDataSlots, limits.MaxQueuedMessages);
            _transport.StartWriter();
            kex = new KeyExchangeHandler(_transport, options.Algorithms, _server.HostKeys, clientVersion, ServerVersionLine);
            kex.Begin();
            var policies = _server.Policies;
            var hooks = policies is null ? null : new UserAuthHooks(AdmitSessionAsync, options.Defender.FailedPasswordDelay, policies.Time);
            var auth = new UserAuthService(_transport, _server.Auth, () => kex.SessionId!, () => kex.HostKeyBlob,
                (user, method, passed) => new SshAuthContext(user, _remoteEndPoint, clientVersion, Id, method, passed), hooks);

            bool userAuthRequested = false;
            long packets = 0;
            while (true)
            {
                var payload = await _transport.ReadPacketAsync(token).ConfigureAwait(false);
                uint sequence = _transport.ReceiveSequence - 1;
                packets++;
                var number = (SshMessageNumber)payload.Span[0];

                if (!kex.FirstKexDone)
                {
                    EnforceInitialKex(number, packets);
                }

                switch (number)
                {
                    case SshMessageNumber.Disconnect:
                        return;
                    case SshMessageNumber.Ignore:
                    case SshMessageNumber.Debug:
                    case SshMessageNumber.Unimplemented:
                        break;
                    case SshMessageNumber.KexInit:
                    case SshMessageNumber.NewKeys:
                    case >= (SshMessageNumber)30 and <= (SshMessageNumber)49:
                        if (kex.Handle(payload.Span))
                        {
                            Log.KeyExchangeDone(logger, Id, kex.NegotiatedSummary);
                        }
                        else if (number == SshMessageNumber.KexInit && packets > 1 && _transport.StrictKex && !kex.FirstKexDone)
                        {
                            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Strict kex: KEXINIT was not the first packet.");
                        }
                        break;
                    case SshMessageNumber.ServiceRequest:
                        OnServiceRequest(payload.Span, ref userAuthRequested);
                        break;
                    case >= SshMessageNumber.UserAuthRequest and <= (SshMessageNumber)79:
                        if (!userAuthRequested)
                        {
                            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Authentication before service request.");
                        }
                        if (_authenticated)
                        {
                            break; // RFC 4252 §5.1: requests after success are ignored.
                        }
                        AuthenticationAttempted = true;
                        SshPrincipal? principal;
                        try
                        {
                            principal = await auth.HandleAsync(payload, token).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is not (SshProtocolException or OperationCanceledException or IOException))
                        {
                            // The authenticator or the account store behind it failed (a database outage, say): not
                            // the client's doing, so no failure is scored; the client is told to come back later.
                            throw new AuthenticationUnavailableException(ex);
                        }
                        if (principal is not null)
                        {
                            UserName = principal.UserName;
                            _authenticated = true;
                            Authenticated?.Invoke();
                            Info.SetAuthenticated(principal);
                            policies?.Metrics.SessionStarted();
                            Touch();
                            connection = new ConnectionService(_transport, principal, _remoteEndPoint, Id, _server.Subsystems, _server.Commands, logger,
                                limits.MaxChannelsPerConnection, (uint)limits.ChannelWindowSize, limits.ChannelMaxPacket, (uint)limits.ChannelReceiveMaxPacket, _aborted.Token, Info);
                        }
                        break;
                    case >= SshMessageNumber.GlobalRequest and <= (SshMessageNumber)127:
                        if (connection is null)
                        {
                            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Connection protocol before authentication.");
                        }
                        Touch();
                        connection.Handle(payload.Span);
                        break;
                    case SshMessageNumber.Ping:
                    {
                        var reader = new SshReader(payload.Span[1..]);
                        using var pong = new SshWriter(64);
                        pong.WriteMessage(SshMessageNumber.Pong).WriteBinary(reader.ReadBinary());
                        _transport.Enqueue(pong.WrittenSpan);
                        break;
                    }
                    default:
                    {
                        using var unimplemented = new SshWriter(8);
                        unimplemented.WriteMessage(SshMessageNumber.Unimplemented).WriteUInt32(sequence);
                        _transport.Enqueue(unimplemented.WrittenSpan);
                        break;
                    }
                }

                if (kex.FirstKexDone && !kex.InProgress)
                {
                    long bytesSinceKex = _transport.BytesSinceKex;
                    var sinceKex = DateTime.UtcNow - kex.LastKexUtc;
                    if (bytesSinceKex >= limits.RekeyBytes || sinceKex >= limits.RekeyInterval)
                    {
                        kex.Begin();
                        Log.RekeyStarted(logger, Id, bytesSinceKex, sinceKex);
                    }
                }
            }
        }
        catch (SshProtocolException ex)
        {
            if (ex.Reason == SshDisconnectReason.ConnectionLost)
            {
                Log.ConnectionClosed(logger, Id);
            }
            else
            {
                Log.ProtocolError(logger, Id, ex.Reason, ex.Message);
                SendDisconnect(ex.Reason, GenericDescription(ex.Reason));
            }
        }
        catch (OperationCanceledException)
        {
            if (watchdog.IsCancellationRequested)
            {
                Log.Timeout(logger, Id, _authenticated ? "idle" : "login grace");
                SendDisconnect(SshDisconnectReason.ByApplication, "Timeout.");
            }
            else if (_closeDescription is { } description)
            {
                Log.ConnectionClosedByApplication(logger, Id);
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
            Log.ConnectionClosed(logger, Id);
        }
        catch (AuthenticationUnavailableException ex)
        {
            Log.AuthenticationUnavailable(logger, Id, ex.InnerException!);
            SendDisconnect(SshDisconnectReason.ByApplication, "Authentication is temporarily unavailable; try again later.");
        }
#pragma warning disable CA1031 // One connection's failure must never take the server down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionFailed(logger, Id, ex);
            SendDisconnect(SshDisconnectReason.ByApplication, "Internal error.");
        }
        finally
        {
            await watchdog.CancelAsync().ConfigureAwait(false);
            await watchdogTask.ConfigureAwait(false);
            connection?.Dispose();
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
            if (connection is not null)
            {
                await Task.WhenAny(connection.WhenHandlersDoneAsync(), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            }
            kex?.Dispose();
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

    /// <summary>
    /// The session gate: takes one of the account's session slots before USERAUTH_SUCCESS is sent. A limiter that
    /// fails refuses the login (fail closed) and is logged.
    /// </summary>
    private async ValueTask<bool> AdmitSessionAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken)
    {
        var policies = _server.Policies!;
        ISftpSessionLease? lease;
        try
        {
            lease = await policies.SessionLimiter.TryAcquireAsync(principal.UserName, principal.MaxSessions, Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SessionLimiterFailed(_server.Logger, Id, ex);
            return false;
        }
        if (lease is null)
        {
            Log.SessionLimitReached(_server.Logger, Id, principal.UserName, principal.MaxSessions);
            return false;
        }
        _sessionLease = lease;
        return true;
    }

    private async Task ReleaseLeaseAsync(ISftpSessionLease lease)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing limiter store must not take the server down; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SessionLimiterFailed(_server.Logger, Id, ex);
        }
    }

    /// <summary>
    /// Refuses the connection cleanly: our banner, then a clear-text SSH_MSG_DISCONNECT with <paramref name="reason"/>,
    /// then a short wait for the client to close so it reads the message instead of a reset. Bounded by 10 seconds.
    /// </summary>
    public async Task RefuseAsync(SshDisconnectReason reason, string description)
    {
        var limits = _server.Options.Limits;
        var input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        var output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes(ServerVersionLine + "\r\n"), timeout.Token).ConfigureAwait(false);
            _transport = new SshTransport(input, output, limits.MaxPacketSize, 1, 16);
            _transport.StartWriter();
            SendDisconnect(reason, description);
            await _transport.StopWriterAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await LingerAsync(input, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The client went away or stayed silent; either way the refusal is done.
        }
        finally
        {
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
            await _stream.DisposeAsync().ConfigureAwait(false);
            _aborted.Dispose();
        }
    }

    private async Task LingerQuietlyAsync(PipeReader input)
    {
        if (_stream is not NetworkStream)
        {
            return; // a stream that is not a socket has no reset to avoid
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await LingerAsync(input, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away, stayed silent, or the reader had already ended; the close goes on either way.
        }
    }

    /// <summary>
    /// Half-closes our side after a DISCONNECT and reads what the client still sends (at most 64 KiB, until the
    /// caller's token ends) so the socket closes with a FIN, not a reset that could discard the message unread.
    /// </summary>
    private async Task LingerAsync(PipeReader input, CancellationToken cancellationToken)
    {
        if (_stream is NetworkStream network)
        {
            network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }
        long drained = 0;
        while (drained < 64 * 1024)
        {
            var read = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            drained += read.Buffer.Length;
            input.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
    }

    private void EnforceInitialKex(SshMessageNumber number, long packets)
    {
        bool kexMessage = number is SshMessageNumber.KexInit or SshMessageNumber.NewKeys or >= (SshMessageNumber)30 and <= (SshMessageNumber)49;
        if (kexMessage || number == SshMessageNumber.Disconnect)
        {
            return;
        }
        // Strict kex (Terrapin fix): nothing but key exchange until the first NEWKEYS. The client's KEXINIT tells us
        // whether strict mode applies; a stray packet before it is caught when the KEXINIT arrives (packets > 1).
        if (_transport!.StrictKex || packets == 1 && number != SshMessageNumber.Ignore && number != SshMessageNumber.Debug)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected message during initial key exchange.");
        }
    }

    private void OnServiceRequest(ReadOnlySpan<byte> payload, ref bool userAuthRequested)
    {
        var reader = new SshReader(payload[1..]);
        string service = reader.ReadString();
        // A client may repeat the request before it is authenticated (paramiko does before every attempt, as
        // OpenSSH's sshd allows); after authentication there is no service left to start.
        if (service != "ssh-userauth" || _authenticated)
        {
            throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "Service not available.");
        }
        userAuthRequested = true;
        using var accept = new SshWriter(32);
        accept.WriteMessage(SshMessageNumber.ServiceAccept).WriteString(service);
        _transport!.Enqueue(accept.WrittenSpan);
    }

    private void Touch() => Volatile.Write(ref _lastActivityTicks, Environment.TickCount64);

    /// <summary>Ends connections that do not authenticate within the grace time or sit idle past the idle timeout.</summary>
    private async Task WatchdogAsync(SftpServerLimits limits, CancellationTokenSource expire)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        long start = Environment.TickCount64;
        try
        {
            while (await timer.WaitForNextTickAsync(expire.Token).ConfigureAwait(false))
            {
                long now = Environment.TickCount64;
                if (!_authenticated)
                {
                    if (now - start > (long)limits.LoginGraceTime.TotalMilliseconds)
                    {
                        await expire.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                else if (limits.IdleTimeout > TimeSpan.Zero && now - Volatile.Read(ref _lastActivityTicks) > (long)limits.IdleTimeout.TotalMilliseconds)
                {
                    await expire.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SendDisconnect(SshDisconnectReason reason, string description)
    {
        if (_transport is null)
        {
            return;
        }
        try
        {
            using var writer = new SshWriter(64);
            writer.WriteMessage(SshMessageNumber.Disconnect).WriteUInt32((uint)reason).WriteString(description).WriteString(string.Empty);
            _transport.Enqueue(writer.WrittenSpan, OutboundKind.Disconnect);
            _disconnectSent = true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The connection is already gone (a registry close can race with its end).
        }
    }

    private static string GenericDescription(SshDisconnectReason reason) => reason switch
    {
        SshDisconnectReason.MacError => "Corrupted MAC on input.",
        SshDisconnectReason.KeyExchangeFailed => "Key exchange failed.",
        SshDisconnectReason.NoMoreAuthMethodsAvailable => "Too many authentication failures.",
        SshDisconnectReason.ServiceNotAvailable => "Service not available.",
        SshDisconnectReason.ProtocolVersionNotSupported => "Protocol version not supported.",
        _ => "Protocol error.",
    };
}

/// <summary>The authenticator (or the account store behind it) threw while deciding a login.</summary>
internal sealed class AuthenticationUnavailableException(Exception inner) : Exception("Authentication is unavailable.", inner);
