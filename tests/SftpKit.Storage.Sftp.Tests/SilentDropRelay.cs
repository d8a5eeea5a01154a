using System.Net;
using System.Net.Sockets;

namespace SftpKit.Tests.Storage.Sftp;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, which can forget its connections the way a NAT or stateful firewall
/// does: <see cref="DropExisting"/> makes every connection open so far discard what passes, in both directions, without
/// closing either end (no FIN, no RST), so both ends still see a connected socket. Connections made afterwards are
/// relayed normally. Buffers are 16 KiB per direction.
/// </summary>
public sealed class SilentDropRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;

    public SilentDropRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>From now on, every connection relayed so far passes nothing and stays open.</summary>
    public void DropExisting()
    {
        lock (_links)
        {
            foreach (var link in _links)
            {
                link.Dropped = true;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        lock (_links)
        {
            foreach (var link in _links)
            {
                link.Client.Dispose();
                link.Server.Dispose();
            }
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            var link = new Link(client, server);
            lock (_links)
            {
                _links.Add(link);
            }
            _ = PumpAsync(link, client, server);
            _ = PumpAsync(link, server, client);
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    if (!link.Dropped)
                    {
                        to.Shutdown(SocketShutdown.Send);
                    }
                    return;
                }
                if (!link.Dropped)
                {
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The relay stops or an end closed: the other end learns it only while the link is not dropped.
            if (!link.Dropped)
            {
                to.Dispose();
            }
        }
    }

    private sealed class Link(Socket client, Socket server)
    {
        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        private int _dropped;

        public bool Dropped
        {
            get => Volatile.Read(ref _dropped) != 0;
            set => Volatile.Write(ref _dropped, value ? 1 : 0);
        }
    }
}
