using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Ssh;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

/// <summary>
/// Per-host limits and the defender judge the client a trusted proxy names, never the proxy: every connection here
/// comes from 127.0.0.1 (the trusted proxy), so a server that judged the socket address would refuse or ban them all.
/// </summary>
public sealed class ProxyProtocolDefenderTests : IAsyncLifetime
{
    private static readonly IPEndPoint Listener = new(IPAddress.Parse("198.51.100.1"), 2022);
    private readonly SftpTestServer _server = new()
    {
        Configure = o =>
        {
            o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
            o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Optional);
            o.TrustedProxies.Add("127.0.0.1");
            o.Limits.MaxConnectionsPerHost = 2;
            o.Defender.Enabled = true;
            o.Defender.Threshold = 2;
            o.Defender.ScoreInvalidCredentials = 1;
            o.Defender.ScoreLimitExceeded = 1;
        },
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private ISftpDefender Defender => _server.Services.GetRequiredService<ISftpDefender>();

    private ISftpConnectionRegistry Registry => _server.Services.GetRequiredService<ISftpConnectionRegistry>();

    private int PortOf(int index) => ((IPEndPoint)_server.Services.GetRequiredService<ISftpServer>().EndPoints[index]).Port;

    private static byte[] HeaderAndVersion(string client) =>
        [.. ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse(client), 40000), Listener), .. "SSH-2.0-Peer_1.0\r\n"u8];

    private int LiveFrom(string address) => Registry.GetConnections().Count(c => Equals(c.RemoteAddress, IPAddress.Parse(address)));

    /// <summary>One SSH.NET password login through the relay; true when it succeeded, false on an auth failure.</summary>
    private static Task<bool> LoginAsync(int port, string password) => Task.Run(() =>
    {
        using var client = new SshClient("127.0.0.1", port, SftpTestServer.UserName, password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        try
        {
            client.Connect();
            return true;
        }
        catch (SshAuthenticationException)
        {
            return false;
        }
    }).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Per_host_limit_counts_the_client_address_not_the_proxy()
    {
        int port = PortOf(1);
        using var first = await RawProxyPeer.ConnectAsync(port, HeaderAndVersion("203.0.113.30"));
        using var second = await RawProxyPeer.ConnectAsync(port, HeaderAndVersion("203.0.113.30"));
        Assert.True(await Eventually.TrueAsync(() => LiveFrom("203.0.113.30") == 2));

        using (var third = await RawProxyPeer.ConnectAsync(port, HeaderAndVersion("203.0.113.30")))
        {
            Assert.Equal(SshDisconnectReason.TooManyConnections, LoopbackPeer.FindDisconnect(await third.ReadToEndAsync()));
        }
        // Another client behind the same proxy still gets in, past the proxy's own 2 live connections.
        using var other = await RawProxyPeer.ConnectAsync(port, HeaderAndVersion("203.0.113.31"));
        Assert.StartsWith("SSH-2.0-", await other.ReadLineAsync(), StringComparison.Ordinal);
        Assert.True(await Eventually.TrueAsync(() => LiveFrom("203.0.113.31") == 1));

        Assert.Equal(1, (await Defender.GetHostAsync(IPAddress.Parse("203.0.113.30")))?.Score);
        Assert.Null(await Defender.GetHostAsync(IPAddress.Loopback));
    }

    [Fact]
    public async Task Defender_bans_the_client_behind_the_proxy_and_never_the_proxy()
    {
        int port = PortOf(1);
        await using var mallory = new HeaderRelay(port) { Header = ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.40"), 40000), Listener) };
        Assert.False(await LoginAsync(mallory.Port, "wrong"));
        Assert.False(await LoginAsync(mallory.Port, "wrong"));
        Assert.True((await Defender.GetHostAsync(IPAddress.Parse("203.0.113.40")))?.IsBanned);

        // The banned client is dropped before the banner, after its header was read.
        using (var banned = await RawProxyPeer.ConnectAsync(port, HeaderAndVersion("203.0.113.40")))
        {
            Assert.Empty(await banned.ReadToEndAsync());
        }
        await using var alice = new HeaderRelay(port) { Header = ProxyHeaders.V1(new IPEndPoint(IPAddress.Parse("203.0.113.41"), 40000), Listener) };
        Assert.True(await LoginAsync(alice.Port, SftpTestServer.Password));
        Assert.Null(await Defender.GetHostAsync(IPAddress.Loopback));
    }

    [Fact]
    public async Task Failed_logins_from_a_trusted_proxy_address_itself_are_not_scored()
    {
        // Optional listener, no header: the connection's address is the trusted proxy's own.
        int port = PortOf(2);
        for (int i = 0; i < 3; i++)
        {
            Assert.False(await LoginAsync(port, "wrong"));
        }
        Assert.Null(await Defender.GetHostAsync(IPAddress.Loopback));
        Assert.True(await LoginAsync(port, SftpTestServer.Password));
    }
}
