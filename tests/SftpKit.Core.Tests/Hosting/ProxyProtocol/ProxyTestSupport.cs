using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

/// <summary>PROXY protocol headers as a load balancer writes them.</summary>
internal static class ProxyHeaders
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] V1(IPEndPoint source, IPEndPoint destination)
    {
        string family = source.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes($"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n");
    }

    public static byte[] V2(IPEndPoint source, IPEndPoint destination, byte[]? tlvs = null)
    {
        byte[] src = source.Address.GetAddressBytes();
        byte[] dst = destination.Address.GetAddressBytes();
        byte family = src.Length == 4 ? (byte)0x11 : (byte)0x21;
        tlvs ??= [];
        int length = 2 * src.Length + 4 + tlvs.Length;
        var header = new byte[16 + length];
        Signature.CopyTo(header, 0);
        header[12] = 0x21;
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)length);
        src.CopyTo(header, 16);
        dst.CopyTo(header, 16 + src.Length);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(16 + 2 * src.Length), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(18 + 2 * src.Length), (ushort)destination.Port);
        tlvs.CopyTo(header, 16 + 2 * src.Length + 4);
        return header;
    }

    public static byte[] V2Local() => [.. Signature, 0x20, 0x00, 0x00, 0x00];
}

/// <summary>
/// A loopback relay standing in for a load balancer: each accepted client is connected to the target from
/// <c>source</c>, the header made for it is written first, then bytes are copied both ways.
/// </summary>
internal sealed class HeaderRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _loop;
    private readonly int _target;
    private readonly string _source;

    public HeaderRelay(int target, string source = "127.0.0.1")
    {
        _target = target;
        _source = source;
        _listener.Start();
        _loop = AcceptAsync();
    }

    /// <summary>The header sent for the next connection (set before the client connects).</summary>
    public byte[] Header { get; set; } = [];

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                byte[] header = Header;
                lock (_relays)
                {
                    _relays.Add(RelayAsync(client, header));
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client, byte[] header)
    {
        using (client)
        using (var server = new TcpClient(new IPEndPoint(IPAddress.Parse(_source), 0)))
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                await server.GetStream().WriteAsync(header, _stop.Token);
                var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
                var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        Task[] relays;
        lock (_relays)
        {
            relays = [.. _relays];
        }
        await Task.WhenAll(relays).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

/// <summary>A bare TCP peer from a chosen loopback source address that writes raw bytes and reads what comes back.</summary>
internal sealed class RawProxyPeer : IDisposable
{
    private readonly TcpClient _client;

    private RawProxyPeer(TcpClient client) => _client = client;

    public static async Task<RawProxyPeer> ConnectAsync(int port, byte[] first, string source = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        await client.ConnectAsync(IPAddress.Loopback, port);
        if (first.Length > 0)
        {
            await client.GetStream().WriteAsync(first);
        }
        return new RawProxyPeer(client);
    }

    public Task SendAsync(byte[] data) => _client.GetStream().WriteAsync(data).AsTask();

    /// <summary>Reads one line (the server's identification), bounded to 20 seconds; null when the server closed first.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = new List<byte>();
        var one = new byte[1];
        try
        {
            while (await _client.GetStream().ReadAsync(one, cts.Token) == 1)
            {
                if (one[0] == (byte)'\n')
                {
                    return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
                }
                line.Add(one[0]);
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>Reads until the server closes (bounded to 20 seconds); returns every byte it sent.</summary>
    public Task<byte[]> ReadToEndAsync() => SftpKit.Tests.Interop.OpenSshClientOptions.ReadToEndAsync(_client);

    public void Dispose() => _client.Dispose();
}
