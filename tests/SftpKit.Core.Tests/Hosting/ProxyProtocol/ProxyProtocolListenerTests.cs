using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

/// <summary>
/// One server with three listeners on 127.0.0.1: PROXY protocol off, required and optional, trusting 127.0.0.1 only.
/// Untrusted peers connect from 127.0.0.2.
/// </summary>
public sealed class ProxyProtocolServer : SftpTestServer
{
    public ProxyProtocolServer()
    {
        Configure = o =>
        {
            o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
            o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Optional);
            o.TrustedProxies.Add("127.0.0.1/32");
            o.Limits.ProxyHeaderTimeout = TimeSpan.FromSeconds(1);
        };
    }

    public int RequiredPort => PortOf(1);

    public int OptionalPort => PortOf(2);

    public ISftpConnectionRegistry Registry => Services.GetRequiredService<ISftpConnectionRegistry>();

    private int PortOf(int index) => ((IPEndPoint)Services.GetRequiredService<ISftpServer>().EndPoints[index]).Port;
}

/// <summary>Real listeners with PROXY protocol v1/v2 headers, SSH.NET through a header-writing relay, and raw peers.</summary>
public sealed class ProxyProtocolListenerTests : IClassFixture<ProxyProtocolServer>
{
    private static readonly IPEndPoint Listener = new(IPAddress.Parse("198.51.100.1"), 2022);
    private readonly ProxyProtocolServer _server;

    public ProxyProtocolListenerTests(ProxyProtocolServer server) => _server = server;

    /// <summary>Logs in with SSH.NET through the relay and returns the registry's view of the live connection.</summary>
    private async Task<SftpConnection> LoginThroughAsync(HeaderRelay relay, Func<SftpConnection, bool> match)
    {
        using var client = new SftpClient("127.0.0.1", relay.Port, SftpTestServer.UserName, SftpTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await Task.Run(client.Connect).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("/", client.WorkingDirectory);
        Assert.True(await Eventually.TrueAsync(() => _server.Registry.GetConnections().Any(c => c.UserName is not null && match(c))),
            string.Join(", ", _server.Registry.GetConnections().Select(c => $"{c.RemoteEndPoint} via {c.ProxyEndPoint}")));
        var connection = _server.Registry.GetConnections().First(c => c.UserName is not null && match(c));
        client.Disconnect();
        return connection;
    }

    public static TheoryData<int, string, int> Clients => new()
    {
        { 1, "203.0.113.7", 40001 },
        { 2, "203.0.113.8", 40002 },
        { 1, "2001:db8::7", 40003 },
        { 2, "2001:db8::8", 40004 },
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Required_listener_serves_the_client_the_header_names(int version, string address, int port)
    {
        var client = new IPEndPoint(IPAddress.Parse(address), port);
        var destination = client.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Listener : new IPEndPoint(IPAddress.Parse("2001:db8::1"), 2022);
        await using var relay = new HeaderRelay(_server.RequiredPort)
        {
            Header = version == 1 ? ProxyHeaders.V1(client, destination) : ProxyHeaders.V2(client, destination, tlvs: [0x04, 0x00, 0x02, 0xAA, 0xBB]),
        };
        var connection = await LoginThroughAsync(relay, c => Equals(c.RemoteAddress, client.Address));
        Assert.Equal(client, connection.RemoteEndPoint);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)connection.ProxyEndPoint!).Address);
        Assert.StartsWith("SSH-2.0-", connection.ClientVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_LOCAL_header_keeps_the_proxy_address()
    {
        await using var relay = new HeaderRelay(_server.RequiredPort) { Header = ProxyHeaders.V2Local() };
        var connection = await LoginThroughAsync(relay, c => c.ProxyEndPoint is not null && Equals(c.RemoteAddress, IPAddress.Loopback));
        Assert.Equal(connection.ProxyEndPoint, connection.RemoteEndPoint);
    }

    [Fact]
    public async Task Optional_listener_serves_a_trusted_peer_without_header_as_a_direct_client()
    {
        using var client = new SftpClient("127.0.0.1", _server.OptionalPort, SftpTestServer.UserName, SftpTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await Task.Run(client.Connect).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(await Eventually.TrueAsync(() => _server.Registry.GetConnections().Any(c => c.UserName is not null && c.ProxyEndPoint is null)));
        Assert.Equal(IPAddress.Loopback, _server.Registry.GetConnections().First(c => c.UserName is not null && c.ProxyEndPoint is null).RemoteAddress);
    }

    [Fact]
    public async Task Optional_listener_serves_a_header_from_a_trusted_peer()
    {
        var client = new IPEndPoint(IPAddress.Parse("203.0.113.20"), 50000);
        await using var relay = new HeaderRelay(_server.OptionalPort) { Header = ProxyHeaders.V2(client, Listener) };
        var connection = await LoginThroughAsync(relay, c => Equals(c.RemoteAddress, client.Address));
        Assert.Equal(client, connection.RemoteEndPoint);
    }

    [Fact]
    public async Task Optional_listener_waits_for_a_silent_trusted_peer_then_sends_the_banner()
    {
        // A client that waits for the server to speak first: after ProxyHeaderTimeout it is a direct client.
        using var peer = await RawProxyPeer.ConnectAsync(_server.OptionalPort, []);
        Assert.StartsWith("SSH-2.0-", await peer.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_listener_closes_a_silent_trusted_peer_without_a_banner()
    {
        using var peer = await RawProxyPeer.ConnectAsync(_server.RequiredPort, []);
        Assert.Empty(await peer.ReadToEndAsync());
    }

    [Fact]
    public async Task Required_listener_closes_a_trusted_peer_that_speaks_SSH_first()
    {
        using var peer = await RawProxyPeer.ConnectAsync(_server.RequiredPort, "SSH-2.0-Direct_1.0\r\n"u8.ToArray());
        Assert.Empty(await peer.ReadToEndAsync());
    }

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.9 198.51.100.1 40000\r\nSSH-2.0-x\r\n")]
    [InlineData("PROXY TCP4 203.0.113.9 198.51.100.1 040000 2022\r\nSSH-2.0-x\r\n")]
    [InlineData("PROXY TCP4 203.0.113.9 198.51.100.1 40000 2022\nSSH-2.0-x\r\n")]
    [InlineData("PROXY SSH-2.0-x\r\n")]
    [InlineData("\r\n\r\n\0\r\nQUIT\n\x0031\x0011\0\x000cSSH-2.0-x\r\n")]
    public async Task Malformed_header_from_a_trusted_peer_closes_the_connection_before_the_banner(string bytes)
    {
        byte[] data = [.. bytes.Select(c => (byte)c)];
        foreach (int port in new[] { _server.RequiredPort, _server.OptionalPort })
        {
            using var peer = await RawProxyPeer.ConnectAsync(port, data);
            Assert.Empty(await peer.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Oversized_v2_header_closes_the_connection_without_reading_it()
    {
        byte[] header = [.. ProxyHeaders.V2Local()[..14], 0x10, 0x01]; // 4097 bytes announced
        using var peer = await RawProxyPeer.ConnectAsync(_server.RequiredPort, header);
        Assert.Empty(await peer.ReadToEndAsync());
    }

    [Fact]
    public async Task Header_begun_but_not_finished_times_out()
    {
        var full = ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000), Listener);
        using var peer = await RawProxyPeer.ConnectAsync(_server.RequiredPort, full[..20]);
        Assert.Empty(await peer.ReadToEndAsync());
    }

    [Fact]
    public async Task Required_listener_closes_untrusted_peers_before_the_banner()
    {
        var header = ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000), Listener);
        using (var silent = await RawProxyPeer.ConnectAsync(_server.RequiredPort, [], source: "127.0.0.2"))
        {
            Assert.Empty(await silent.ReadToEndAsync());
        }
        using var withHeader = await RawProxyPeer.ConnectAsync(_server.RequiredPort, [.. header, .. "SSH-2.0-x\r\n"u8], source: "127.0.0.2");
        Assert.Empty(await withHeader.ReadToEndAsync());
    }

    [Fact]
    public async Task Header_from_an_untrusted_peer_is_never_trusted()
    {
        var header = ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000), Listener);
        foreach (int port in new[] { _server.OptionalPort, _server.Port })
        {
            using var peer = await RawProxyPeer.ConnectAsync(port, [.. header, .. "SSH-2.0-x\r\n"u8], source: "127.0.0.2");
            string received = System.Text.Encoding.ASCII.GetString(await peer.ReadToEndAsync());
            // Served as a direct client whose first line is not an SSH identification: refused by the version exchange.
            Assert.StartsWith("SSH-2.0-", received, StringComparison.Ordinal);
            Assert.Contains("Invalid SSH identification string", received, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(_server.Registry.GetConnections(), c => Equals(c.RemoteAddress, IPAddress.Parse("203.0.113.9")));
    }

    [Fact]
    public async Task Listener_without_the_PROXY_protocol_ignores_trusted_peers_headers()
    {
        var header = ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000), Listener);
        using var peer = await RawProxyPeer.ConnectAsync(_server.Port, [.. header, .. "SSH-2.0-x\r\n"u8]);
        string received = System.Text.Encoding.ASCII.GetString(await peer.ReadToEndAsync());
        Assert.Contains("Invalid SSH identification string", received, StringComparison.Ordinal);
    }
}
