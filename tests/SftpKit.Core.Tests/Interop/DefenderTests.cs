using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SftpKit.Tests.Interop;

/// <summary>The defender against real clients, on a fake clock.</summary>
public sealed class DefenderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestServer _server;

    public DefenderTests()
    {
        _server = new TestServer
        {
            ConfigureServices = s => s.AddSingleton<TimeProvider>(_time),
            Configure = o => o.Defender.Enabled = true,
        };
    }

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private ISftpDefender Defender => _server.Services.GetRequiredService<ISftpDefender>();

    /// <summary>One SSH.NET login as an unknown user (scores 2); true when the server answered with a failure.</summary>
    private Task<bool> UnknownUserLoginAsync() => Task.Run(() =>
    {
        using var client = new SshClient("127.0.0.1", _server.Port, "mallory", "guess");
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        try
        {
            client.Connect();
            return false;
        }
        catch (SshAuthenticationException)
        {
            return true;
        }
    }).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Host_is_banned_after_scored_failures_refused_while_banned_and_let_in_after_expiry()
    {
        var start = _time.GetUtcNow();
        for (int i = 0; i < 7; i++)
        {
            Assert.True(await UnknownUserLoginAsync());
        }
        Assert.Equal(14, (await Defender.GetHostAsync(IPAddress.Loopback))?.Score);
        Assert.True(await UnknownUserLoginAsync());
        var entry = await Defender.GetHostAsync(IPAddress.Loopback);
        Assert.Equal(start + TimeSpan.FromMinutes(30), entry?.BannedUntil);

        // Dropped at accept: not even our banner is sent.
        using (var peer = await LoopbackPeer.ConnectAsync(_server.Port, sendVersion: false))
        {
            Assert.Empty(await peer.ReadToEndAsync());
        }
        var refused = await _server.SshAsync("echo banned");
        Assert.Equal(255, refused.ExitCode);
        Assert.DoesNotContain("banned", refused.Text, StringComparison.Ordinal);

        // Each attempt while banned extends the ban by 50 % of 30 minutes.
        Assert.Equal(start + TimeSpan.FromMinutes(60), (await Defender.GetHostAsync(IPAddress.Loopback))?.BannedUntil);
        var bans = await Defender.GetHostsAsync();
        Assert.Contains(bans, b => b.Address.Equals(IPAddress.Loopback) && b.IsBanned);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True(await Defender.IsBannedAsync(IPAddress.Loopback));
        _time.Advance(TimeSpan.FromMinutes(2));
        var admitted = await _server.SshAsync("echo admitted");
        Assert.True(admitted.ExitCode == 0, admitted.StandardError);
        Assert.Equal("admitted\n", admitted.Text);
    }

    [Fact]
    public async Task Removing_a_ban_from_code_lets_the_host_in_at_once()
    {
        await Defender.BanAsync(IPAddress.Loopback, TimeSpan.FromHours(1));
        Assert.Equal(255, (await _server.SshAsync("echo banned")).ExitCode);
        Assert.True(await Defender.UnbanAsync(IPAddress.Loopback));
        var admitted = await _server.SshAsync("echo admitted");
        Assert.True(admitted.ExitCode == 0, admitted.StandardError);
    }

    [Fact]
    public async Task Wrong_passwords_of_a_known_user_score_one_each_through_openssh()
    {
        for (int i = 0; i < 3; i++)
        {
            var result = await _server.SshWithPasswordAsync("echo no", "wrong password");
            Assert.Equal(255, result.ExitCode);
        }
        Assert.Equal(3, (await Defender.GetHostAsync(IPAddress.Loopback))?.Score);
    }
}

/// <summary>Safe and block lists against real clients.</summary>
public sealed class DefenderListTests
{
    [Fact]
    public async Task Safe_listed_host_is_never_banned()
    {
        await using var server = await StartAsync(o => o.Defender.SafeList.Add("127.0.0.0/8"));
        for (int i = 0; i < 10; i++)
        {
            await Task.Run(() =>
            {
                using var client = new SshClient("127.0.0.1", server.Port, "mallory", "guess");
                client.HostKeyReceived += (_, e) => e.CanTrust = true;
                Assert.Throws<SshAuthenticationException>(client.Connect);
            }).WaitAsync(TimeSpan.FromSeconds(60));
        }
        var defender = server.Services.GetRequiredService<ISftpDefender>();
        Assert.Null(await defender.GetHostAsync(IPAddress.Loopback));
        var admitted = await server.SshAsync("echo admitted");
        Assert.True(admitted.ExitCode == 0, admitted.StandardError);
    }

    [Fact]
    public async Task Block_listed_host_is_dropped_before_the_banner_and_others_are_served()
    {
        await using var server = await StartAsync(o => o.Defender.BlockList.Add("127.0.0.1"));
        using (var peer = await LoopbackPeer.ConnectAsync(server.Port, sendVersion: false))
        {
            Assert.Empty(await peer.ReadToEndAsync());
        }
        Assert.Equal(255, (await server.SshAsync("echo blocked")).ExitCode);
        var other = await server.SshAsync("echo other", null, "ed25519", "-b", "127.0.0.2");
        Assert.True(other.ExitCode == 0, other.StandardError);
        Assert.Equal("other\n", other.Text);
    }

    private static async Task<AsyncTestServer> StartAsync(Action<SftpServerOptions> configure)
    {
        var server = new TestServer
        {
            Configure = o =>
            {
                o.Defender.Enabled = true;
                configure(o);
            },
        };
        await server.InitializeAsync();
        return new AsyncTestServer(server);
    }

    private sealed class AsyncTestServer(TestServer server) : IAsyncDisposable
    {
        public int Port => server.Port;

        public IServiceProvider Services => server.Services;

        public Task<ProcessRunner.Result> SshAsync(string command, byte[]? input = null, string keyType = "ed25519", params string[] options)
            => server.SshAsync(command, input, keyType, options);

        public async ValueTask DisposeAsync() => await server.DisposeAsync();
    }
}

/// <summary>The pause after a failed password, on a fake clock: no answer reaches the client until it has passed.</summary>
public sealed class FailedPasswordDelayTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TestServer _server;

    public FailedPasswordDelayTests()
    {
        _server = new TestServer
        {
            ConfigureServices = s => s.AddSingleton<TimeProvider>(_time),
            Configure = o =>
            {
                o.Defender.Enabled = true;
                o.Defender.FailedPasswordDelay = TimeSpan.FromSeconds(30);
            },
        };
    }

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Failure_answer_waits_for_the_delay()
    {
        var login = Task.Run(() =>
        {
            var info = new ConnectionInfo("127.0.0.1", _server.Port, TestServer.UserName, new PasswordAuthenticationMethod(TestServer.UserName, "wrong"))
            {
                Timeout = TimeSpan.FromSeconds(60),
            };
            using var client = new SshClient(info);
            client.HostKeyReceived += (_, e) => e.CanTrust = true;
            client.Connect();
        });
        var defender = _server.Services.GetRequiredService<ISftpDefender>();
        // The defender scores the failure before the pause begins; the client cannot have its answer yet.
        Assert.True(await Eventually.TrueAsync(async () => (await defender.GetHostAsync(IPAddress.Loopback))?.Score == 1));
        Assert.False(login.IsCompleted);

        // The server may still be between scoring and starting its timer, so the clock moves on in
        // 30-second steps until the answer arrives (bounded: 100 steps of real time 100 ms each).
        for (var step = 0; step < 100 && !login.IsCompleted; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(login, Task.Delay(100));
        }

        await Assert.ThrowsAsync<SshAuthenticationException>(() => login.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
