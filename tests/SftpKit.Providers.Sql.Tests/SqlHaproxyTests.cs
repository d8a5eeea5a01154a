using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using SftpKit.Tests.Interop;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// The scale-out setup of the README: real HAProxy (Debian package haproxy, <c>send-proxy-v2</c>, health checks)
/// in front of two SftpKit instances on one PostgreSQL database. Accounts come from the database on both instances,
/// each instance sees the client's address rather than HAProxy's, and the defender bans the client's address in the
/// shared table. Needs haproxy and SFTPKIT_TEST_POSTGRES (a counted skip without them, a failure under CI).
/// </summary>
public sealed class SqlHaproxyTests : IAsyncLifetime
{
    private const string ProxySource = "127.0.0.3";
    private static readonly string? Haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlha-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<IAsyncDisposable> _owned = [];
    private Process? _haproxy;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    private static void BehindHaproxy(SftpServerOptions o)
    {
        o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
        o.TrustedProxies.Add(ProxySource);
        o.Defender.Threshold = 3;
    }

    private static int ProxyPort(SqlServerInstance instance) =>
        ((IPEndPoint)instance.Services.GetRequiredService<ISftpServer>().EndPoints[1]).Port;

    [Fact]
    public async Task Two_instances_on_PostgreSql_behind_haproxy_see_the_client_address_and_share_its_ban()
    {
        SftpKit.Tests.Requires.That(Haproxy is not null, "haproxy", "install the Debian package haproxy (scripts/test.sh does)");
        var database = await SqlTestDatabase.CreateAsync(SqlProvider.PostgreSql);
        _owned.Add(database);
        var one = await SqlServerInstance.StartAsync(database, _directory, BehindHaproxy, o => o.InstanceId = "one");
        _owned.Add(one);
        var two = await SqlServerInstance.StartAsync(database, _directory, BehindHaproxy, o => o.InstanceId = "two");
        _owned.Add(two);
        await one.Store.CreateAsync(one.NewAccount("carol"), default);
        int port = await StartHaproxyAsync(ProxyPort(one), ProxyPort(two));

        // Round robin spreads sessions over both instances (a health check that is slow on a loaded machine can take
        // one out for a moment, so sessions are opened until each instance has one, at most six); every session logs
        // in with the account from PostgreSQL and is seen under the client's address, with HAProxy as its proxy.
        var registries = new[] { one, two }.Select(i => i.Services.GetRequiredService<ISftpConnectionRegistry>()).ToArray();
        var sessions = new List<SftpClient>();
        try
        {
            while (sessions.Count < 6 && registries.Any(r => !r.GetConnections().Any(c => c.UserName == "carol")))
            {
                var session = ThroughProxy(port, "carol");
                sessions.Add(session);
                await session.ConnectAsync(default);
            }
            foreach (var registry in registries)
            {
                var carol = registry.GetConnections().Where(c => c.UserName == "carol").ToList();
                Assert.NotEmpty(carol);
                Assert.All(carol, c => Assert.Equal(IPAddress.Loopback, c.RemoteAddress));
                Assert.All(carol, c => Assert.Equal(IPAddress.Parse(ProxySource), ((IPEndPoint)c.ProxyEndPoint!).Address));
            }
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
        }

        // Wrong passwords through HAProxy until one instance's defender bans: the row names the client, not HAProxy.
        var defender = one.Services.GetRequiredService<ISftpDefender>();
        for (int i = 0; i < 10 && !await defender.IsBannedAsync(IPAddress.Loopback); i++)
        {
            using var client = ThroughProxy(port, "carol", "wrong password");
            await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(default));
        }
        Assert.True(await defender.IsBannedAsync(IPAddress.Loopback));
        Assert.True(await two.Services.GetRequiredService<ISftpDefender>().IsBannedAsync(IPAddress.Loopback));
        Assert.Equal(1L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM defender_hosts WHERE ip = '127.0.0.1' AND ban_until IS NOT NULL"), CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(await database.ScalarAsync($"SELECT COUNT(*) FROM defender_hosts WHERE ip = '{ProxySource}'"), CultureInfo.InvariantCulture));

        // Both instances now refuse the banned client through HAProxy, while HAProxy's own checks keep passing.
        for (int i = 0; i < 2; i++)
        {
            using var refused = ThroughProxy(port, "carol");
            await Assert.ThrowsAnyAsync<Exception>(() => refused.ConnectAsync(default));
        }
        Assert.False(await defender.IsBannedAsync(IPAddress.Parse(ProxySource)));
    }

    private static SftpClient ThroughProxy(int port, string userName, string password = SqlServerInstance.Password)
    {
        var client = new SftpClient("127.0.0.1", port, userName, password);
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(30);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task<int> StartHaproxyAsync(int portOne, int portTwo)
    {
        int port = FreePort();
        string config = Path.Combine(_directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 100
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s
                timeout check 5s
            frontend sftp
                bind 127.0.0.1:{port}
                default_backend sftpkit
            backend sftpkit
                balance roundrobin
                source {ProxySource}
                option tcp-check
                tcp-check expect string SSH-2.0-
                server one 127.0.0.1:{portOne} send-proxy-v2 check inter 500ms
                server two 127.0.0.1:{portTwo} send-proxy-v2 check inter 500ms

            """));
        var info = new ProcessStartInfo(Haproxy!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { "-db", "-f", config })
        {
            info.ArgumentList.Add(arg);
        }
        _haproxy = Process.Start(info)!;
        _haproxy.OutputDataReceived += (_, _) => { };
        _haproxy.ErrorDataReceived += (_, _) => { };
        _haproxy.BeginOutputReadLine();
        _haproxy.BeginErrorReadLine();
        for (int i = 0; i < 100; i++)
        {
            Assert.False(_haproxy.HasExited, "haproxy exited at start-up");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return port;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("haproxy did not listen within 10 seconds.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_haproxy is { HasExited: false })
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
        }
        _haproxy?.Dispose();
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
