using System.Text;
using Microsoft.Extensions.Logging;
using Renci.SshNet;

namespace SftpKit.Storage.Sftp;

/// <summary>
/// Up to <see cref="SftpRemoteOptions.MaxConnections"/> SSH.NET clients per file system, connected on first use and
/// reconnected when dropped; operations are spread over them round-robin (an SSH.NET client multiplexes concurrent
/// requests). The host key is checked against the pinned fingerprints on every connect. A client that SSH.NET still
/// reports connected but whose operation failed as a connection failure (see
/// <see cref="SftpRemoteErrors.IsConnectionFailure"/>, a timeout included) is closed by <see cref="Evict"/>, and its slot
/// connects afresh on next use; so at most <see cref="SftpRemoteOptions.MaxConnections"/> clients are ever open.
/// </summary>
internal sealed class SftpRemoteConnections : IDisposable
{
    private readonly SftpRemoteOptions _options;
    private readonly ILogger _logger;
    private readonly SftpClient?[] _clients;
    private readonly SemaphoreSlim[] _locks;
    private int _next = -1;
    private int _disposed;

    public SftpRemoteConnections(SftpRemoteOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _clients = new SftpClient?[options.MaxConnections];
        _locks = Enumerable.Range(0, options.MaxConnections).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    /// <summary>A connected client.</summary>
    public async ValueTask<SftpClient> GetAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        int slot = (int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length);
        var client = Volatile.Read(ref _clients[slot]);
        if (client is { IsConnected: true })
        {
            return client;
        }
        await _locks[slot].WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            client = _clients[slot];
            if (client is { IsConnected: true })
            {
                return client;
            }
            if (client is not null && Interlocked.CompareExchange(ref _clients[slot], null, client) == client)
            {
                client.Dispose();
            }
            client = Create();
            try
            {
                // SSH.NET's connect waits synchronously for steps its own socket completions drive. A host may run socket
                // continuations inline on the runtime's socket engine threads (the sample server does, through
                // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1); such a wait on an engine thread blocks the completion
                // it waits for until the connect times out. The synchronous connect on a thread-pool thread never waits
                // on an engine thread, whichever scheduling the host chose.
                await Task.Run(client.Connect, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            Volatile.Write(ref _clients[slot], client);
            return client;
        }
        finally
        {
            _locks[slot].Release();
        }
    }

    /// <summary>
    /// Closes <paramref name="client"/> and frees its slot, when it still holds one, after an operation on it failed as a
    /// connection failure (the failure itself is logged where it is mapped); the slot's next use connects afresh.
    /// Operations and open files still on that client fail.
    /// </summary>
    public void Evict(SftpClient client)
    {
        for (int slot = 0; slot < _clients.Length; slot++)
        {
            if (Interlocked.CompareExchange(ref _clients[slot], null, client) == client)
            {
                SftpRemoteLog.ConnectionEvicted(_logger, _options.Host, _options.Port);
                // SSH.NET's dispose of a connection that no longer answers waits about a second for its disconnect; the
                // failing operation does not wait for it.
                ThreadPool.UnsafeQueueUserWorkItem(static c => DisposeQuietly(c), client, preferLocal: false);
                return;
            }
        }
    }

    /// <summary>Disposes an evicted client off any request's path; a failure there must not end the process.</summary>
    private static void DisposeQuietly(SftpClient client)
    {
        try
        {
            client.Dispose();
        }
        catch (Exception)
        {
            // The connection is already out of the pool; whatever SSH.NET throws while closing it changes nothing.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var client in _clients)
        {
            client?.Dispose();
        }
        foreach (var gate in _locks)
        {
            gate.Dispose();
        }
    }

    private SftpClient Create()
    {
        var methods = new List<AuthenticationMethod>();
        if (!string.IsNullOrEmpty(_options.PrivateKey))
        {
            using var keyText = new MemoryStream(Encoding.UTF8.GetBytes(_options.PrivateKey));
            var key = string.IsNullOrEmpty(_options.PrivateKeyPassphrase)
                ? new PrivateKeyFile(keyText)
                : new PrivateKeyFile(keyText, _options.PrivateKeyPassphrase);
            methods.Add(new PrivateKeyAuthenticationMethod(_options.UserName, key));
        }
        if (!string.IsNullOrEmpty(_options.Password))
        {
            methods.Add(new PasswordAuthenticationMethod(_options.UserName, _options.Password));
        }
        var connection = new ConnectionInfo(_options.Host, _options.Port, _options.UserName, [.. methods])
        {
            Timeout = _options.ConnectTimeout,
        };
        var client = new SftpClient(connection)
        {
            OperationTimeout = _options.OperationTimeout,
            BufferSize = (uint)_options.RequestSize,
        };
        if (_options.KeepAliveInterval > TimeSpan.Zero)
        {
            client.KeepAliveInterval = _options.KeepAliveInterval;
        }
        client.HostKeyReceived += (_, e) =>
        {
            string presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = HostKeyPin.Matches(_options.HostKeyFingerprints, presented);
            if (!e.CanTrust)
            {
                SftpRemoteLog.HostKeyRefused(_logger, _options.Host, _options.Port, e.HostKeyName, presented);
            }
        };
        return client;
    }
}
