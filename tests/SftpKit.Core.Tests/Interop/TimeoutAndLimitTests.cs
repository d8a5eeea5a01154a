using Renci.SshNet;
using SftpKit.Ssh;

namespace SftpKit.Tests.Interop;

/// <summary>Login grace time, idle timeout and auth attempt limits, on a server with small settings.</summary>
public sealed class TimeoutAndLimitTests : IAsyncLifetime
{
    private readonly TestServer _server = new()
    {
        Configure = o =>
        {
            o.Limits.LoginGraceTime = TimeSpan.FromSeconds(3); // room for a password hash on a loaded machine
            o.Limits.IdleTimeout = TimeSpan.FromSeconds(2);
            o.Limits.MaxAuthAttempts = 2;
        },
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Silent_client_is_disconnected_after_the_login_grace_time()
    {
        using var raw = await RawPeer.ConnectAsync(_server.Port);
        await raw.SendVersionAsync();
        var started = DateTime.UtcNow;
        Assert.Equal(SshDisconnectReason.ByApplication, await raw.ReadUntilDisconnectAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Idle_authenticated_connection_is_disconnected()
    {
        using var client = new SshClient("127.0.0.1", _server.Port, TestServer.UserName, TestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        Assert.True(client.IsConnected);
        for (int i = 0; i < 100 && client.IsConnected; i++)
        {
            await Task.Delay(100);
        }
        Assert.False(client.IsConnected);
    }

    [Fact]
    public void Too_many_failed_passwords_end_the_connection()
    {
        var info = new ConnectionInfo("127.0.0.1", _server.Port, TestServer.UserName,
            new PasswordAuthenticationMethod(TestServer.UserName, "wrong-1"));
        using var client = new SshClient(info);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        Assert.ThrowsAny<Renci.SshNet.Common.SshException>(client.Connect);
    }
}

/// <summary>The per-connection channel limit (idle timeout left at its default so open channels may sit quietly).</summary>
public sealed class ChannelLimitTests : IAsyncLifetime
{
    private readonly TestServer _server = new() { Configure = o => o.Limits.MaxChannelsPerConnection = 2 };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Channels_beyond_the_limit_are_refused_and_the_connection_survives()
    {
        // Bounded: every blocking SSH.NET call runs under a timeout so a regression fails instead of hanging.
        await Task.Run(() =>
        {
            using var client = new SshClient("127.0.0.1", _server.Port, TestServer.UserName, TestServer.Password);
            client.HostKeyReceived += (_, e) => e.CanTrust = true;
            client.Connect();
            using var first = client.CreateCommand("cat");
            using var second = client.CreateCommand("cat");
            first.BeginExecute();
            second.BeginExecute();
            using var third = client.CreateCommand("echo third");
            Assert.ThrowsAny<Exception>(() => third.Execute());
            Assert.True(client.IsConnected);
        }).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
