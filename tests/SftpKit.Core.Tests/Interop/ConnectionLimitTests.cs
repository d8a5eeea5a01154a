using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Ssh;

namespace SftpKit.Tests.Interop;

/// <summary>Overall and per-host connection caps: refused clients get DISCONNECT TOO_MANY_CONNECTIONS.</summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private readonly TestServer _server = new()
    {
        Configure = o =>
        {
            o.Limits.MaxConnections = 3;
            o.Limits.MaxConnectionsPerHost = 2;
            o.Defender.Enabled = true;
        },
    };

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private ISftpConnectionRegistry Registry => _server.Services.GetRequiredService<ISftpConnectionRegistry>();

    [Fact]
    public async Task Third_connection_from_one_host_is_refused_and_scored_and_a_slot_frees_on_close()
    {
        var first = await LoopbackPeer.ConnectAsync(_server.Port);
        using var second = await LoopbackPeer.ConnectAsync(_server.Port);
        Assert.True(await Eventually.TrueAsync(() => Registry.Count == 2));

        using (var third = await LoopbackPeer.ConnectAsync(_server.Port))
        {
            Assert.Equal(SshDisconnectReason.TooManyConnections, LoopbackPeer.FindDisconnect(await third.ReadToEndAsync()));
        }
        var refused = await _server.SshAsync("echo refused");
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("Too many connections", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, Registry.Count);

        // Each per-host refusal scores 3 with the defender.
        var entry = await _server.Services.GetRequiredService<ISftpDefender>().GetHostAsync(IPAddress.Loopback);
        Assert.Equal(6, entry?.Score);

        first.Dispose();
        Assert.True(await Eventually.TrueAsync(() => Registry.Count == 1));
        var admitted = await _server.SshAsync("echo admitted");
        Assert.True(admitted.ExitCode == 0, admitted.StandardError);
        Assert.Equal("admitted\n", admitted.Text);
    }

    [Fact]
    public async Task Connections_past_the_overall_cap_are_refused_whatever_their_source()
    {
        using var a = await LoopbackPeer.ConnectAsync(_server.Port, "127.0.0.2");
        using var b = await LoopbackPeer.ConnectAsync(_server.Port, "127.0.0.2");
        using var c = await LoopbackPeer.ConnectAsync(_server.Port, "127.0.0.3");
        Assert.True(await Eventually.TrueAsync(() => Registry.Count == 3));
        Assert.Equal(2, Registry.GetConnections().Count(x => Equals(x.RemoteAddress, IPAddress.Parse("127.0.0.2"))));

        using (var d = await LoopbackPeer.ConnectAsync(_server.Port, "127.0.0.4"))
        {
            Assert.Equal(SshDisconnectReason.TooManyConnections, LoopbackPeer.FindDisconnect(await d.ReadToEndAsync()));
        }
        var refused = await _server.SshAsync("echo refused", null, "ed25519", "-b", "127.0.0.5");
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("Too many connections", refused.StandardError, StringComparison.Ordinal);

        // The overall cap is not the host's fault: no defender score.
        Assert.Null(await _server.Services.GetRequiredService<ISftpDefender>().GetHostAsync(IPAddress.Parse("127.0.0.4")));
    }
}
