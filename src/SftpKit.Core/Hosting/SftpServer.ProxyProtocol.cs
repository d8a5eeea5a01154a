using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using SftpKit.Hosting.ProxyProtocol;

namespace SftpKit.Hosting;

/// <summary>The accept path of listeners with the PROXY protocol on (<see cref="SshEndpoint.ProxyProtocol"/>).</summary>
internal sealed partial class SftpServer
{
    /// <summary>
    /// PROXY headers being read at once (each bounded by <see cref="SftpServerLimits.ProxyHeaderTimeout"/>); past it
    /// connections from trusted proxies are closed. Load balancers send the header at once, so few are ever pending.
    /// </summary>
    private const int MaxPendingProxyHeaders = 1024;

    private readonly ConcurrentDictionary<long, Task> _pendingProxyHeaders = new();
    private long _nextProxyHeader;

    /// <summary>The socket's peer, or null when the socket can no longer tell (the peer is gone).</summary>
    private static EndPoint? RemoteOf(Socket socket)
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
    private async Task AcceptFromProxyListenerAsync(Socket socket, SftpProxyProtocolMode mode, EndPoint? listenEndPoint)
    {
        var peer = RemoteOf(socket);
        if (!_policies.TrustedProxies.Contains((peer as IPEndPoint)?.Address))
        {
            if (mode == SftpProxyProtocolMode.Required)
            {
                Log.UntrustedProxyPeerDropped(_logger, peer?.ToString(), listenEndPoint?.ToString());
                _policies.Metrics.ConnectionRefused("untrusted_proxy");
                socket.Dispose();
                return;
            }
            await AdmitOrDropAsync(socket, peer, proxy: null).ConfigureAwait(false);
            return;
        }
        if (_pendingProxyHeaders.Count >= MaxPendingProxyHeaders)
        {
            Log.ProxyHeadersPendingLimit(_logger, peer?.ToString(), MaxPendingProxyHeaders);
            _policies.Metrics.ConnectionRefused("proxy_header");
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

    private async Task ReadProxyHeaderThenAdmitAsync(Socket socket, SftpProxyProtocolMode mode, EndPoint? peer)
    {
        var timeout = _options.Limits.ProxyHeaderTimeout;
        ProxyReadResult result;
        try
        {
            result = await ProxyHeaderReader.ReadAsync(socket, timeout, _stopping.Token).ConfigureAwait(false);
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
                Log.ProxyHeaderAccepted(_logger, proxyText, result.Header.Version, client.ToString());
                await AdmitOrDropAsync(socket, client, peer).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.Header:
                Log.ProxyHeaderWithoutClient(_logger, proxyText, result.Header.Version,
                    result.Header.Command == ProxyCommand.Local ? "LOCAL" : result.Header.Version == 1 ? "UNKNOWN" : "unsupported-family");
                await AdmitOrDropAsync(socket, peer, peer).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.NoHeader or ProxyReadOutcome.Silent when mode == SftpProxyProtocolMode.Optional:
                Log.ProxyHeaderAbsent(_logger, proxyText);
                await AdmitOrDropAsync(socket, peer, proxy: null).ConfigureAwait(false);
                return;
            case ProxyReadOutcome.NoHeader or ProxyReadOutcome.Silent:
                Log.ProxyHeaderMissing(_logger, proxyText);
                break;
            case ProxyReadOutcome.Invalid:
                Log.ProxyHeaderInvalid(_logger, proxyText, result.Error);
                break;
            case ProxyReadOutcome.TimedOut:
                Log.ProxyHeaderTimedOut(_logger, proxyText, timeout);
                break;
            default:
                Log.ProxyHeaderClosed(_logger, proxyText);
                break;
        }
        _policies.Metrics.ConnectionRefused("proxy_header");
        socket.Dispose();
    }
}
