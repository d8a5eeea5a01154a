using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace SftpKit.Tests.Interop;

/// <summary>
/// Real HAProxy (Debian package haproxy) in front of two SftpKit instances with <c>send-proxy-v2</c> (and health
/// checks, which send v2 LOCAL headers): OpenSSH sftp sessions from 127.0.0.2 go through HAProxy, which connects
/// from 127.0.0.3, and each instance sees the client's address. Needs haproxy: a counted skip without it, a failure under CI.
/// </summary>
public sealed class HaproxyProxyProtocolTests : IAsyncLifetime
{
    private const string ClientSource = "127.0.0.2";
    private const string ProxySource = "127.0.0.3";
    private static readonly string? Haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists);

    private readonly SftpTestServer _a = new() { Configure = TrustHaproxy };
    private SftpTestServer? _b;
    private Process? _haproxy;

    private static void TrustHaproxy(SftpServerOptions o)
    {
        o.Listen(IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
        o.TrustedProxies.Add(ProxySource);
    }

    public async ValueTask InitializeAsync()
    {
        if (Haproxy is null)
        {
            return;
        }
        await _a.InitializeAsync();
        // Instance b also lets a's client key in, so one sftp command line logs in to either.
        _b = new SftpTestServer
        {
            Configure = o =>
            {
                TrustHaproxy(o);
                o.Users[0].AuthorizedKeys.Add(File.ReadAllText(_a.ClientKey + ".pub").Trim());
            },
        };
        await _b.InitializeAsync();
    }

    private string StatsSocket => Path.Combine(_a.Directory, "haproxy.sock");

    /// <summary>The <c>check_status</c> of each server of the backend, from the stats socket's <c>show stat</c>.</summary>
    private async Task<Dictionary<string, string>> CheckStatusAsync()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(StatsSocket));
        await socket.SendAsync("show stat\n"u8.ToArray());
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream);
        string[] lines = (await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10))).Split('\n');
        var columns = lines[0].TrimStart('#', ' ').Split(',').ToList();
        int name = columns.IndexOf("svname"), status = columns.IndexOf("check_status");
        return lines.Skip(1).Select(l => l.Split(',')).Where(f => f.Length > status && f[0] == "sftpkit" && f[name] is "a" or "b")
            .ToDictionary(f => f[name], f => f[status]);
    }

    private static int ProxyPort(SftpTestServer server) =>
        ((IPEndPoint)server.Services.GetRequiredService<ISftpServer>().EndPoints[1]).Port;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task<int> StartHaproxyAsync()
    {
        int port = FreePort();
        string config = Path.Combine(_a.Directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 100
                stats socket {StatsSocket} mode 600 level user
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
                server a 127.0.0.1:{ProxyPort(_a)} send-proxy-v2 check inter 500ms
                server b 127.0.0.1:{ProxyPort(_b!)} send-proxy-v2 check inter 500ms

            """));
        var info = new ProcessStartInfo(Haproxy!);
        foreach (string arg in new[] { "-db", "-f", config })
        {
            info.ArgumentList.Add(arg);
        }
        _haproxy = ProcessRunner.StartDrained(info);
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

    /// <summary>Starts an interactive sftp session through HAProxy; stdin stays open so the session lives.</summary>
    private Process StartSftp(int port)
    {
        var info = new ProcessStartInfo("sftp") { RedirectStandardInput = true };
        var args = _a.ClientOptions();
        args[args.IndexOf("-P") + 1] = port.ToString(CultureInfo.InvariantCulture);
        args.AddRange(["-o", $"BindAddress={ClientSource}", "-b", "-", $"{SftpTestServer.UserName}@127.0.0.1"]);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return ProcessRunner.StartDrained(info);
    }

    [Fact]
    public async Task OpenSsh_sessions_through_haproxy_are_seen_with_the_client_address_on_both_instances()
    {
        Requires.That(Haproxy is not null, "haproxy", "install the Debian package haproxy (scripts/test.sh does)");
        int port = await StartHaproxyAsync();
        // Both instances' keys under HAProxy's address: the session may land on either.
        await File.WriteAllLinesAsync(_a.KnownHostsFile,
            [$"[127.0.0.1]:{port} {File.ReadAllText(Path.Combine(_a.Directory, "host_ed25519.pub")).Trim()}",
             $"[127.0.0.1]:{port} {File.ReadAllText(Path.Combine(_b!.Directory, "host_ed25519.pub")).Trim()}"]);

        var sessions = new List<Process>();
        try
        {
            var registries = new[] { _a, _b }.Select(s => s.Services.GetRequiredService<ISftpConnectionRegistry>()).ToArray();
            for (int i = 0; i < 2; i++)
            {
                var sftp = StartSftp(port);
                sessions.Add(sftp);
                await sftp.StandardInput.WriteLineAsync("pwd");
                await sftp.StandardInput.FlushAsync();
                int expected = i + 1;
                Assert.True(await Eventually.TrueAsync(() => registries.Sum(r => r.GetConnections().Count(c => c.UserName is not null)) == expected, attempts: 600),
                    $"session {expected} did not log in through haproxy");
            }

            // Round robin: one session on each instance, each seen with the client's address, not HAProxy's.
            foreach (var registry in registries)
            {
                var connection = Assert.Single(registry.GetConnections(), c => c.UserName is not null);
                Assert.Equal(IPAddress.Parse(ClientSource), connection.RemoteAddress);
                Assert.Equal(IPAddress.Parse(ProxySource), ((IPEndPoint)connection.ProxyEndPoint!).Address);
                Assert.StartsWith("SSH-2.0-OpenSSH_", connection.ClientVersion, StringComparison.Ordinal);
            }
            // HAProxy's health checks (v2 LOCAL header, then our banner expected) pass on both instances, and never
            // stood in for a client.
            Assert.True(await Eventually.TrueAsync(async () => (await CheckStatusAsync()).Count(s => s.Value == "L7OK") == 2, attempts: 200),
                string.Join(", ", await CheckStatusAsync()));
            Assert.DoesNotContain(registries.SelectMany(r => r.GetConnections()), c => c.UserName is not null && Equals(c.RemoteAddress, IPAddress.Parse(ProxySource)));
        }
        finally
        {
            foreach (var sftp in sessions)
            {
                sftp.StandardInput.Close();
                if (!sftp.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    sftp.Kill(entireProcessTree: true);
                }
                sftp.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_haproxy is not null)
        {
            if (!_haproxy.HasExited)
            {
                _haproxy.Kill();
                await _haproxy.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            _haproxy.Dispose();
        }
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }
        await _a.DisposeAsync();
    }
}
