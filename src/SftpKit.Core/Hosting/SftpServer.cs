using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Ssh;
using SftpKit.Ssh.Authentication;
using SftpKit.Ssh.Keys;

namespace SftpKit.Hosting;

/// <summary>
/// The hosted server: binds the listeners on start, runs one <see cref="SshServerConnection"/> per accepted socket,
/// and on stop closes the listeners, waits up to <see cref="SftpServerLimits.ShutdownTimeout"/> for connections to
/// end, then disconnects the rest.
/// </summary>
internal sealed class SftpServer : IHostedService, ISftpServer, IDisposable
{
    private readonly SftpServerOptions _options;
    private readonly ISshAuthenticator _authenticator;
    private readonly IEnumerable<ISshSubsystemHandler> _subsystems;
    private readonly IEnumerable<ISshCommandHandler> _commands;
    private readonly IEnumerable<ISshAuthenticationObserver> _observers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InMemoryHostKeys? _inMemoryHostKeys;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<string, (SshServerConnection Connection, Task Task)> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private SshServerContext? _context;
    private long _nextId;

    public SftpServer(IOptions<SftpServerOptions> options, ISshAuthenticator authenticator, IEnumerable<ISshSubsystemHandler> subsystems,
        IEnumerable<ISshCommandHandler> commands, ILogger<SftpServer> logger, IEnumerable<ISshAuthenticationObserver> observers,
        TimeProvider? timeProvider = null, InMemoryHostKeys? inMemoryHostKeys = null)
    {
        _observers = observers;
        _time = timeProvider ?? TimeProvider.System;
        _inMemoryHostKeys = inMemoryHostKeys;
        _options = options.Value;
        _authenticator = authenticator;
        _subsystems = subsystems;
        _commands = commands;
        _logger = logger;
    }

    public IReadOnlyList<EndPoint> EndPoints { get; private set; } = [];

    public int ConnectionCount => _connections.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var hostKeys = LoadHostKeys();
        var trustedCas = _options.TrustedUserCaKeys.Select(line => SshPublicKey.TryParseAuthorizedKey(line, out var key) ? key : null).OfType<SshPublicKey>();
        var auth = new UserAuthSettings(_authenticator, _observers.ToList(), new SshCertificateValidator(trustedCas, _time), _logger,
            _options.Limits.MaxAuthAttempts);
        _context = new SshServerContext(_options, hostKeys, _authenticator, _subsystems.ToList(), _commands.ToList(), _logger, auth);
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
                _listeners.Add(socket);
                bound.Add(socket.LocalEndPoint!);
                Log.Listening(_logger, socket.LocalEndPoint!.ToString()!);
            }
        }
        catch
        {
            foreach (var socket in _listeners)
            {
                socket.Dispose();
            }
            _listeners.Clear();
            throw;
        }
        EndPoints = bound;
        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener), CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    private List<SshHostKey> LoadHostKeys()
    {
        if (_inMemoryHostKeys is not null)
        {
            foreach (var key in _inMemoryHostKeys.Keys)
            {
                Log.HostKeyLoaded(_logger, key.KeyType, key.Fingerprint);
            }
            return [.. _inMemoryHostKeys.Keys];
        }
        if (_options.HostKeyFiles.Count == 0)
        {
            // LoadOrGenerate logs each key it loads or generates itself.
            return HostKeyLoader.LoadOrGenerate(Path.GetFullPath(_options.HostKeyDirectory), _logger).ToList();
        }
        var keys = _options.HostKeyFiles.Select(f => HostKeyLoader.Load(f)).ToList();
        foreach (var key in keys)
        {
            Log.HostKeyLoaded(_logger, key.KeyType, key.Fingerprint);
        }
        return keys;
    }

    private async Task AcceptLoopAsync(Socket listener)
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

            if (_connections.Count >= _options.Limits.MaxConnections)
            {
                Log.ConnectionLimitReached(_logger, socket.RemoteEndPoint?.ToString(), _options.Limits.MaxConnections);
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            string id = Interlocked.Increment(ref _nextId).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            var connection = new SshServerConnection(new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint, _context!, id);
            Log.ConnectionAccepted(_logger, id, socket.RemoteEndPoint?.ToString());
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = Task.Run(async () =>
            {
                await gate.Task.ConfigureAwait(false);
                try
                {
                    await connection.RunAsync().ConfigureAwait(false);
                }
                finally
                {
                    _connections.TryRemove(id, out _);
                }
            }, CancellationToken.None);
            _connections[id] = (connection, task);
            gate.SetResult();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);

        var drain = Task.WhenAll(_connections.Values.Select(c => c.Task));
        await Task.WhenAny(drain, Task.Delay(_options.Limits.ShutdownTimeout, cancellationToken)).ConfigureAwait(false);
        foreach (var (connection, _) in _connections.Values)
        {
            connection.Abort();
        }
        await Task.WhenAny(Task.WhenAll(_connections.Values.Select(c => c.Task)), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        foreach (var key in _context?.HostKeys ?? [])
        {
            key.Dispose();
        }
    }

    public void Dispose() => _stopping.Dispose();
}
