using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SftpKit.Tests.Interop;

/// <summary>An account's maximum sessions, enforced at login with real clients.</summary>
public sealed class SessionLimitTests : IAsyncLifetime
{
    private const string DebianPython = "/usr/bin/python3";

    private readonly TestServer _server = new()
    {
        Configure = o =>
        {
            o.Users[0].MaxSessions = 2;
            o.Limits.MaxConnectionsPerHost = 0;
            o.Defender.Enabled = false; // the refused logins below would otherwise get 127.0.0.1 banned
            o.Defender.FailedPasswordDelay = TimeSpan.Zero;
        },
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private SshClient NewClient()
    {
        var client = new SshClient("127.0.0.1", _server.Port, TestServer.UserName, TestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    private ValueTask<int> ActiveSessionsAsync()
        => _server.Services.GetRequiredService<ISftpSessionLimiter>().GetActiveSessionsAsync(TestServer.UserName, CancellationToken.None);

    [Fact]
    public async Task Session_past_the_maximum_is_refused_and_admitted_once_one_ends()
    {
        using var first = NewClient();
        using var second = NewClient();
        await Task.Run(() =>
        {
            first.Connect();
            second.Connect();
        }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, await ActiveSessionsAsync());

        var openssh = await _server.SshAsync("echo over the limit");
        Assert.Equal(255, openssh.ExitCode);
        Assert.Contains("Permission denied", openssh.StandardError, StringComparison.Ordinal);

        string script = """
            import sys, paramiko
            t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
            t.get_security_options().kex = ("curve25519-sha256@libssh.org",)
            try:
                t.connect(username=sys.argv[2], password=sys.argv[3])
                print("admitted")
            except paramiko.AuthenticationException:
                print("refused")
            t.close()
            """;
        string path = Path.Combine(_server.Directory, "limit.py");
        await File.WriteAllTextAsync(path, script);
        var paramiko = await ProcessRunner.RunAsync(DebianPython,
            [path, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password]);
        Assert.True(paramiko.ExitCode == 0, paramiko.StandardError);
        Assert.Equal("refused", paramiko.Text.Trim());

        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        Assert.True(await Eventually.TrueAsync(() => registry.Count == 2));
        Assert.All(registry.GetConnections(), c => Assert.Equal(TestServer.UserName, c.UserName));

        first.Disconnect();
        Assert.True(await Eventually.TrueAsync(async () => await ActiveSessionsAsync() == 1));
        var admitted = await _server.SshAsync("echo admitted");
        Assert.True(admitted.ExitCode == 0, admitted.StandardError);
        Assert.Equal("admitted\n", admitted.Text);
    }

    [Fact]
    public async Task Racing_logins_get_exactly_the_maximum()
    {
        const int Racers = 10;
        var clients = Enumerable.Range(0, Racers).Select(_ => NewClient()).ToList();
        try
        {
            using var barrier = new Barrier(Racers);
            var attempts = clients.Select(client => Task.Run(() =>
            {
                barrier.SignalAndWait(TimeSpan.FromSeconds(30));
                try
                {
                    client.Connect();
                    return true;
                }
                catch (SshAuthenticationException)
                {
                    return false;
                }
            })).ToArray();
            var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(2, results.Count(r => r));
            Assert.Equal(2, await ActiveSessionsAsync());
            Assert.Equal(2, clients.Count(c => c.IsConnected));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        Assert.True(await Eventually.TrueAsync(async () => await ActiveSessionsAsync() == 0));
    }
}
