using System.Net;
using System.Net.Sockets;

namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// A one-connection TCP relay on 127.0.0.1 that forwards a client to the server until <c>cutAfter</c> bytes have gone
/// from client to server, then aborts both sockets with a TCP reset (linger 0), as a client host that dies mid-transfer.
/// </summary>
internal sealed class AbortingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly long _cutAfter;
    private readonly Task _relay;

    private AbortingProxy(int targetPort, long cutAfter)
    {
        _targetPort = targetPort;
        _cutAfter = cutAfter;
        _listener.Start(1);
        _relay = RelayAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Client-to-server bytes relayed before the reset.</summary>
    public long Forwarded { get; private set; }

    public static AbortingProxy Start(int targetPort, long cutAfter) => new(targetPort, cutAfter);

    /// <summary>Completes when the relay has reset both sides (or the client went away first).</summary>
    public Task Completion => _relay;

    private async Task RelayAsync()
    {
        using var client = await _listener.AcceptSocketAsync();
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(IPAddress.Loopback, _targetPort);
        using var stop = new CancellationTokenSource();
        var down = PumpAsync(server, client, long.MaxValue, stop.Token);
        var up = PumpAsync(client, server, _cutAfter, stop.Token);
        Forwarded = await up;
        await stop.CancelAsync();
        // Reset, not FIN: the peer sees ECONNRESET with whatever it had in flight lost.
        foreach (var socket in new[] { client, server })
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        try
        {
            await down;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static async Task<long> PumpAsync(Socket from, Socket to, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            while (total < limit)
            {
                int want = (int)Math.Min(buffer.Length, limit - total);
                int n = await from.ReceiveAsync(buffer.AsMemory(0, want), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    break;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, cancellationToken);
                total += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        return total;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _relay.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or TimeoutException)
        {
        }
        _listener.Dispose();
    }
}
