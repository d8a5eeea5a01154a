using System.Diagnostics;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Networking;
using SftpKit.Ssh;
using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Server;

namespace SftpKit.Hosting;

/// <summary>
/// The hosted server: binds the listeners on start, runs one <see cref="SshServerConnection"/> per accepted socket,
/// and on stop closes the listeners, waits up to <see cref="SftpServerLimits.ShutdownTimeout"/> for connections to
/// end, then disconnects the rest. When the options change (a configuration reload), new connections get the new
/// limits, algorithms, defender delay, trusted user CAs and host keys (reloaded from the files or directory); open
/// connections keep what they started with. The listeners, <see cref="SftpServerLimits.MaxUnauthenticatedConnections"/>
/// and <see cref="SftpServerLimits.ProxyHeaderTimeout"/> stay as they were at start. A reload whose options fail
/// validation, or whose host keys cannot be read, changes nothing.
/// </summary>
internal sealed partial class SftpServer : IHostedService, ISftpServer, IDisposable
{
    private SftpServerOptions _options;
    private readonly IOptionsMonitor<SftpServerOptions>? _monitor;
    private IDisposable? _changes;
    private readonly List<SshHostKey> _retiredHostKeys = [];
    private readonly ISshAuthenticator _authenticator;
    private readonly IEnumerable<ISshSubsystemHandler> _subsystems;
    private readonly IEnumerable<ISshCommandHandler> _commands;
    private readonly Events.ISftpEventDispatcher? _events;
    private readonly IEnumerable<ISshAuthenticationObserver> _observers;
    private readonly IEnumerable<ISshLoginAuthorizer> _authorizers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InMemoryHostKeys? _inMemoryHostKeys;
    private readonly List<(Socket Socket, SftpProxyProtocolMode ProxyProtocol)> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<string, (SshServerConnection Connection, Task Task)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConnectionPolicies _policies;
    private readonly ProxyProtocolAcceptor _proxyAcceptor;
    private SshServerContext? _context;
    private UnauthenticatedConnectionGate? _gate;
    private long _nextId;
    private int _refusing;

    /// <summary>Refusals (banner + DISCONNECT) in progress at once; past it refused sockets are simply closed.</summary>
    private const int MaxConcurrentRefusals = 64;

    public SftpServer(IOptionsMonitor<SftpServerOptions> options, ISshAuthenticator authenticator, IEnumerable<ISshSubsystemHandler> subsystems,
        IEnumerable<ISshCommandHandler> commands, ILogger<SftpServer> logger, IEnumerable<ISshAuthenticationObserver> observers,
        ConnectionPolicies policies, TimeProvider? timeProvider = null, InMemoryHostKeys? inMemoryHostKeys = null,
        Events.ISftpEventDispatcher? events = null, IEnumerable<ISshLoginAuthorizer>? authorizers = null)
    {
        _events = events;
        _authorizers = authorizers ?? [];
        _observers = observers;
        _time = timeProvider ?? TimeProvider.System;
        _inMemoryHostKeys = inMemoryHostKeys;
        _monitor = options;
        _options = options.CurrentValue;
        _authenticator = authenticator;
        _subsystems = subsystems;
        _commands = commands;
        _logger = logger;
        _policies = policies;
        _proxyAcceptor = new ProxyProtocolAcceptor(policies, _options.Limits, logger, AdmitOrDropAsync, _stopping.Token);
    }

    public IReadOnlyList<EndPoint> EndPoints { get; private set; } = [];

    public int ConnectionCount => _policies.Registry.Count;

    /// <summary>True once a stop began.</summary>
    internal bool Stopping => _stopping.IsCancellationRequested;

    /// <summary>False when an accept loop of the started server ended while the server was not stopping.</summary>
    internal bool AcceptLoopsRunning => Stopping || _acceptLoops.TrueForAll(static t => !t.IsCompleted);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var hostKeys = LoadHostKeys();
        _context = new SshServerContext(CreateSshSettings(_options), hostKeys, _subsystems.ToList(),
            _commands.Select(c => _events is null ? c : new EventedCommandHandler(c, _events)).ToList<ISshCommandHandler>(), _logger,
            CreateUserAuthStarter(_options), _policies);
        _changes = _monitor?.OnChange(Reconfigure);
        _gate = new UnauthenticatedConnectionGate(MaxStartups.TryParse(_options.Limits.MaxUnauthenticatedConnections, out var startups)
            ? startups
            : throw new InvalidOperationException("Limits.MaxUnauthenticatedConnections is invalid."));
        var endpoints = _options.Endpoints.Count > 0 ? _options.Endpoints : [new SshEndpoint()];
        var bound = new List<EndPoint>();
        try
        {
            foreach (var endpoint in endpoints)
            {
                var address = IPAddress.Parse(endpoint.Address);
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, endpoint.Port));
                socket.Listen(512);
                _listeners.Add((socket, endpoint.ProxyProtocol));
                bound.Add(socket.LocalEndPoint!);
                Log.Listening(_logger, socket.LocalEndPoint!.ToString()!);
            }
        }
        catch
        {
            foreach (var (socket, _) in _listeners)
            {
                socket.Dispose();
            }
            _listeners.Clear();
            throw;
        }
        EndPoints = bound;
        foreach (var (listener, proxyProtocol) in _listeners)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener, proxyProtocol), CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    /// <summary>A configuration reload: the next connections use the new options (see the class remarks).</summary>
    private void Reconfigure(SftpServerOptions options)
    {
        if (_context is null || Stopping)
        {
            return;
        }
        List<SshHostKey> hostKeys;
        try
        {
            hostKeys = LoadHostKeys(options);
        }
#pragma warning disable CA1031 // Unreadable host keys on a reload keep the running ones; logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ReconfigureFailed(_logger, ex);
            return;
        }
        var previous = _context;
        _context = new SshServerContext(CreateSshSettings(options), hostKeys, previous.Subsystems, previous.Commands, _logger,
            CreateUserAuthStarter(options), _policies);
        _options = options;
        lock (_retiredHostKeys)
        {
            // Open connections may still sign a rekey with these; they are disposed at stop.
            _retiredHostKeys.AddRange(previous.HostKeys);
        }
        Log.Reconfigured(_logger, options.Limits.MaxConnections, options.Limits.MaxConnectionsPerHost, hostKeys.Count);
    }

    private List<SshHostKey> LoadHostKeys() => LoadHostKeys(_options);

    private List<SshHostKey> LoadHostKeys(SftpServerOptions options)
    {
        if (_inMemoryHostKeys is not null)
        {
            foreach (var key in _inMemoryHostKeys.Keys)
            {
                Log.HostKeyLoaded(_logger, key.KeyType, key.Fingerprint);
            }
            return [.. _inMemoryHostKeys.Keys];
        }
        if (options.HostKeyFiles.Count == 0)
        {
            // LoadOrGenerate logs each key it loads or generates itself.
            return HostKeyLoader.LoadOrGenerate(Path.GetFullPath(options.HostKeyDirectory), _logger).ToList();
        }
        var keys = options.HostKeyFiles.Select(f => HostKeyLoader.Load(f)).ToList();
        foreach (var key in keys)
        {
            Log.HostKeyLoaded(_logger, key.KeyType, key.Fingerprint);
        }
        return keys;
    }

    private async Task AcceptLoopAsync(Socket listener, SftpProxyProtocolMode proxyProtocol)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (proxyProtocol == SftpProxyProtocolMode.Off)
            {
                await AdmitOrDropAsync(socket, ProxyProtocolAcceptor.RemoteOf(socket), proxy: null).ConfigureAwait(false);
            }
            else
            {
                await _proxyAcceptor.AcceptAsync(socket, proxyProtocol, listener.LocalEndPoint).ConfigureAwait(false);
            }
        }
    }

    private async Task AdmitOrDropAsync(Socket socket, EndPoint? remote, EndPoint? proxy)
    {
        try
        {
            await AdmitAsync(socket, remote, proxy).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing admission (e.g. a defender store) drops that socket, never the accept loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (ex is not (SocketException or ObjectDisposedException or OperationCanceledException))
            {
                Log.AdmissionFailed(_logger, ex);
            }
            socket.Dispose();
        }
    }

    /// <summary>
    /// Admission of one accepted socket under the client's address (<paramref name="remote"/>: the socket's, or the
    /// one a trusted proxy's header named): banned and block-listed hosts are dropped before our banner; past the
    /// overall or per-host cap the client gets a clean DISCONNECT TOO_MANY_CONNECTIONS; the rest run. A trusted
    /// proxy's own address is never judged by the defender.
    /// </summary>
    private async Task AdmitAsync(Socket socket, EndPoint? remote, EndPoint? proxy)
    {
        socket.NoDelay = true; // throws here, before anything is registered, when the peer is already gone
        var address = (remote as IPEndPoint)?.Address is { } a ? SftpNetwork.NormalizeAddress(a) : null;
        bool judged = address is not null && !_policies.TrustedProxies.Contains(address);
        if (judged && !await _policies.Defender.AdmitConnectionAsync(address!, _stopping.Token).ConfigureAwait(false))
        {
            bool banned = await _policies.Defender.IsBannedAsync(address!, _stopping.Token).ConfigureAwait(false);
            if (banned)
            {
                Log.BannedHostDropped(_logger, address!.ToString());
            }
            else
            {
                Log.BlockedHostDropped(_logger, address!.ToString());
            }
            _policies.Metrics.ConnectionRefused(banned ? "banned" : "blocked");
            socket.Dispose();
            return;
        }

        string id = Interlocked.Increment(ref _nextId).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var info = new SftpConnection(id, remote, _policies.Time, _policies.Metrics, proxy);
        var limits = _options.Limits;
        var refusal = _policies.Registry.TryAdd(info, limits.MaxConnections, limits.MaxConnectionsPerHost);
        if (refusal != ConnectionRefusal.None)
        {
            if (refusal == ConnectionRefusal.ServerFull)
            {
                Log.ConnectionLimitReached(_logger, remote?.ToString(), limits.MaxConnections);
                _policies.Metrics.ConnectionRefused("server_full");
            }
            else
            {
                Log.HostConnectionLimitReached(_logger, remote?.ToString(), limits.MaxConnectionsPerHost);
                _policies.Metrics.ConnectionRefused("host_full");
                if (judged)
                {
                    await _policies.Defender.AddEventAsync(address!, SftpDefenderEvent.LimitExceeded, _stopping.Token).ConfigureAwait(false);
                }
            }
            Refuse(socket, id, remote);
            return;
        }

        if (!_gate!.TryEnter(id, address, description => info.RequestClose(description), out var evict))
        {
            _policies.Registry.Remove(info);
            Log.UnauthenticatedConnectionDropped(_logger, remote?.ToString(), _gate.Count);
            _policies.Metrics.ConnectionRefused("startups_full");
            Refuse(socket, id, remote);
            return;
        }
        if (evict is not null)
        {
            evict("Too many unauthenticated connections.");
        }

        long started = _policies.Time.GetTimestamp();
        int? localPort = (socket.LocalEndPoint as IPEndPoint)?.Port;
        var stream = new ByteCountingNetworkStream(socket);
        var connection = new SshServerConnection(stream, remote, _context!, id, info)
        {
            Authenticated = () => _gate.Leave(id),
            AcknowledgeReceived = () => TcpAcknowledgement.SendNow(socket),
        };
        Log.ConnectionAccepted(_logger, id, remote?.ToString());
        _policies.Metrics.ConnectionOpened();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(async () =>
        {
            await gate.Task.ConfigureAwait(false);
            // Each connection's trace starts here (a root span), not under whatever the accept loop ran in.
            Activity.Current = null;
            using var span = SftpKitActivitySource.Source.StartActivity("sftpkit.connection", ActivityKind.Server);
            span?.SetTag("sftpkit.connection.id", id);
            span?.SetTag("server.port", localPort);
            var outcome = ConnectOutcome.Stopped;
            try
            {
                // The Connect pre-event runs here, off the accept loop, while the connection holds its slots.
                outcome = await RaiseConnectAsync(info, started).ConfigureAwait(false);
                await ServeAsync(connection, stream, outcome).ConfigureAwait(false);
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false); // already done unless the Connect event failed
                _gate.Leave(id);
                if (judged && outcome == ConnectOutcome.Allowed && !connection.IsAuthenticated && !connection.AuthenticationAttempted
                    && !_stopping.IsCancellationRequested)
                {
                    await ScoreAbandonedHandshakeAsync(id, address!).ConfigureAwait(false);
                }
                _connections.TryRemove(id, out _);
                _policies.Registry.Remove(info);
                _policies.Metrics.ConnectionClosed();
                RaiseDisconnect(info, stream, started, outcome);
                info.MarkEnded();
                span?.SetTag("sftpkit.authenticated", connection.IsAuthenticated);
            }
        }, CancellationToken.None);
        _connections[id] = (connection, task);
        gate.SetResult();
    }

    /// <summary>A connection that never tried to log in held a slot for nothing: the defender scores its address.</summary>
    private async Task ScoreAbandonedHandshakeAsync(string id, IPAddress address)
    {
        Log.HandshakeAbandoned(_logger, id, address.ToString());
        try
        {
            await _policies.Defender.AddEventAsync(address, SftpDefenderEvent.HandshakeAbandoned, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing defender store must not take the connection's cleanup down; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DefenderEventFailed(_logger, address.ToString(), ex);
        }
    }

    /// <summary>Sends the refusal off the accept loop; a flood of refusals beyond the bound is just closed.</summary>
    private void Refuse(Socket socket, string id, EndPoint? remote)
    {
        if (Interlocked.Increment(ref _refusing) > MaxConcurrentRefusals)
        {
            Interlocked.Decrement(ref _refusing);
            Log.RefusalDropped(_logger, remote?.ToString());
            socket.Dispose();
            return;
        }
        var connection = new SshServerConnection(new NetworkStream(socket, ownsSocket: true), remote, _context!, id);
        _ = Task.Run(async () =>
        {
            try
            {
                await connection.RefuseAsync(SshDisconnectReason.TooManyConnections, "Too many connections.").ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _refusing);
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var (listener, _) in _listeners)
        {
            listener.Dispose();
        }
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        // Header reads end at once on the stop token; none admits a connection after this.
        await _proxyAcceptor.DrainAsync().ConfigureAwait(false);

        var drain = Task.WhenAll(_connections.Values.Select(c => c.Task));
        await Task.WhenAny(drain, Task.Delay(_options.Limits.ShutdownTimeout, cancellationToken)).ConfigureAwait(false);
        foreach (var (connection, _) in _connections.Values)
        {
            connection.Abort();
        }
        await Task.WhenAny(Task.WhenAll(_connections.Values.Select(c => c.Task)), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        _changes?.Dispose();
        foreach (var key in _context?.HostKeys ?? [])
        {
            key.Dispose();
        }
        lock (_retiredHostKeys)
        {
            foreach (var key in _retiredHostKeys)
            {
                key.Dispose();
            }
            _retiredHostKeys.Clear();
        }
    }

    public void Dispose()
    {
        _changes?.Dispose();
        _stopping.Dispose();
    }
}
