using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SftpKit.Hosting.ProxyProtocol;

namespace SftpKit.Hosting;

/// <summary>
/// The accept path of listeners with the PROXY protocol on (<see cref="SshEndpoint.ProxyProtocol"/>): decides whom to
/// trust, reads headers off the accept loop (bounded), and hands each connection to the server's admission under the
/// client address the header names.
/// </summary>
/// <param name="policies">The trusted proxies and the metrics.</param>
/// <param name="limits">The header timeout.</param>
/// <param name="logger">The server's log.</param>
/// <param name="admit">The server's admission: the socket, the client's address, the proxy's address (or null).</param>
/// <param name="stopping">Cancelled when the server stops.</param>
internal sealed class ProxyProtocolAcceptor(ConnectionPolicies policies, SftpServerLimits limits, ILogger logger,
    Func<Socket, EndPoint?, EndPoint?, Task> admit, CancellationToken stopping)
{
    /// <summary>
    /// PROXY headers being read at once (each bounded by <see cref="SftpServerLimits.ProxyHeaderTimeout"/>); past it
    /// connections from trusted proxies are closed. Load balancers send the header at once, so few are ever pending.
    /// </summary>
    private const int MaxPendingProxyHeaders = 1024;

    private readonly ConcurrentDictionary<long, Task> _pendingProxyHeaders = new();
    private long _nextProxyHeader;

    /// <summary>The socket's peer, or null when the socket can no longer tell (the peer is gone).</summary>
    public static EndPoint? RemoteOf(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>
    /// A listener with the PROXY protocol on: untrusted peers are direct clients (or, when the header is required,
    /// closed before our banner); a trusted peer's header is read off the accept loop, then the connection is admitted
    /// under the client address it names, so per-host limits and the defender judge the client, never the proxy.
    /// </summary>
    public async Task AcceptAsync(Socket socket, SftpProxyProtocolMode mode, EndPoint? listenEndPoint)
    {
        var peer = RemoteOf(socket);
        if (!policies.TrustedProxies.Contains((peer as IPEndPoint)?.Address))
        {
            if (mode == SftpProxyProtocolMode.Required)
            {
                Log.UntrustedProxyPeerDropped(logger, peer?.ToString(), listenEndPoint?.ToString());
                policies.Metrics.ConnectionRefused("untrusted_proxy");
                socket.Dispose();
                return;
            }
            await admit(socket, peer, null).ConfigureAwait(false);
            return;
        }
        if (_pendingProxyHeaders.Count >= MaxPendingProxyHeaders)
        {
            Log.ProxyHeadersPendingLimit(logger, peer?.ToString(), MaxPendingProxyHeaders);
            policies.Metrics.ConnectionRefused("proxy_header");
            socket.Dispose();
            return;
        }
        long key = Interlocked.Increment(ref _nextProxyHeader);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = Task.Run(async () =>
        {
            await gate.Task.ConfigureAwait(false);
            try
            {
                await ReadProxyHeaderThenAdmitAsync(socket, mode, peer).ConfigureAwait(false);
            }
            finally
            {
                _pendingProxyHeaders.TryRemove(key, out _);
            }
        }, CancellationToken.None);
        _pendingProxyHeaders[key] = task;
        gate.SetResult();
    }

    /// <summary>Waits for the headers being read (each ends by its timeout or the server's stop).</summary>
    public Task DrainAsync() => Task.WhenAll(_pendingProxyHeaders.Values);

    private async Task ReadProxyHeaderThenAdmitAsync(Socket socket, SftpProxyProtocolMode mode, EndPoint? peer)
    {
        var timeout = limits.ProxyHeaderTimeout;
        ProxyReadResult result;
        try
        {
            result = await ProxyHeaderReader.ReadAsync(socket, timeout, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            socket.Dispose();
            return;
        }
        string? proxyText = peer?.ToString();
        switch (result.Outcome)
        {
            case ProxyReadOutcome.Header when result.Header.Source is { } client:
                Log.ProxyHeaderAccepted(logger, proxyText, result.Header.Version, client.ToString());
                await admit(socket, client, peer).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.Header:
                Log.ProxyHeaderWithoutClient(logger, proxyText, result.Header.Version,
                    result.Header.Command == ProxyCommand.Local ? "LOCAL" : result.Header.Version == 1 ? "UNKNOWN" : "unsupported-family");
                await admit(socket, peer, peer).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.NoHeader or ProxyReadOutcome.Silent when mode == SftpProxyProtocolMode.Optional:
                Log.ProxyHeaderAbsent(logger, proxyText);
                await admit(socket, peer, null).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.NoHeader or ProxyReadOutcome.Silent:
                Log.ProxyHeaderMissing(logger, proxyText);
                break;
            case ProxyReadOutcome.Invalid:
                Log.ProxyHeaderInvalid(logger, proxyText, result.Error);
                break;
            case ProxyReadOutcome.TimedOut:
                Log.ProxyHeaderTimedOut(logger, proxyText, timeout);
                break;
            default:
                Log.ProxyHeaderClosed(logger, proxyText);
                break;
        }
        policies.Metrics.ConnectionRefused("proxy_header");
        socket.Dispose();
    }
}
