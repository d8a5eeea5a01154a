using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Tests.Policies;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

/// <summary>An account's AllowedIPs rule sees the client a trusted proxy names, not the proxy.</summary>
public sealed class ProxyProtocolAccountTests : IAsyncLifetime
{
    private static readonly IPEndPoint Listener = new(IPAddress.Parse("198.51.100.1"), 2022);
    private readonly AccountTestServer _server = new()
    {
        Configure = o =>
        {
            o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
            o.TrustedProxies.Add("127.0.0.0/8");
        },
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static Task<bool> LoginAsync(int port, string user) => Task.Run(() =>
    {
        using var client = new SftpClient("127.0.0.1", port, user, AccountTestServer.Password);
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
    public async Task AllowedIPs_rule_is_checked_against_the_client_behind_the_proxy()
    {
        await _server.AddAccountAsync("partner", a => a.AllowedIPs = ["203.0.113.0/24"]);
        int proxied = ((IPEndPoint)_server.Services.GetRequiredService<ISftpServer>().EndPoints[1]).Port;

        await using (var inside = new HeaderRelay(proxied) { Header = ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("203.0.113.60"), 40000), Listener) })
        {
            Assert.True(await LoginAsync(inside.Port, "partner"));
        }
        await using (var outside = new HeaderRelay(proxied) { Header = ProxyHeaders.V2(new IPEndPoint(IPAddress.Parse("192.0.2.60"), 40000), Listener) })
        {
            Assert.False(await LoginAsync(outside.Port, "partner"));
        }
        // The proxy's own address (127.0.0.1, on the direct listener) is not in the rule either.
        Assert.False(await LoginAsync(_server.Port, "partner"));
    }
}
