using SftpKit.Ssh.Connection;
using SftpKit.Ssh.Messages;

namespace SftpKit.Tests.Ssh.Connection;

/// <summary>Part of an OpenSSH client's window left unused, so its buffer stays small and its adjusts come in time.</summary>
public sealed class SshChannelWindowReserveTests
{
    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", 2097152, 699050)]
    [InlineData("SSH-2.0-OpenSSH_for_Windows_9.5", 90000, 30000)]
    [InlineData("SSH-2.0-Renci.SshNet.SshClient.0.0.1", 2097152, 0)] // adjusts only when nearly empty
    [InlineData("SSH-2.0-paramiko_3.4.0", 2097152, 0)]
    [InlineData(null, 2097152, 0)]
    public void Reserve_is_a_third_of_the_window_for_OpenSSH_only(string? version, uint window, long expected)
        => Assert.Equal(expected, PeerWindowReserve.For(version, window));

    [Fact]
    public async Task Sending_stops_at_the_reserve_and_goes_on_after_an_adjust()
    {
        await using var harness = new ChannelHarness(localWindow: 1 << 20, remoteWindow: 90_000, windowReserve: 30_000);
        var data = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();

        var send = harness.Channel.SendDataAsync(data, 0, CancellationToken.None).AsTask();
        int sent = 0;
        while (sent < 60_000)
        {
            sent += ChannelDataMessage.Read(await harness.NextPacketAsync()).Data.Length;
        }
        Assert.Equal(60_000, sent); // 90,000 window less the 30,000 reserve
        Assert.False(send.IsCompleted); // nothing but an adjust can release the rest

        harness.Channel.OnWindowAdjust(10_000);
        var last = ChannelDataMessage.Read(await harness.NextPacketAsync());
        Assert.Equal(10_000, last.Data.Length);
        Assert.Equal(data[60_000..], last.Data.ToArray());
        await send.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
