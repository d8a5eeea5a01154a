namespace SftpKit.Tests.Ssh.Connection;

/// <summary>
/// Where a channel's reader continues when the read loop delivers bytes: the SFTP session's pipe reader inline (no
/// hand-off), a stream reader on the thread pool, so a handler that then blocks cannot hold up the read loop.
/// </summary>
public sealed class SshChannelInputSchedulingTests
{
    [Fact]
    public async Task Pipe_reader_continues_on_the_thread_that_delivered_the_bytes()
    {
        await using var harness = new ChannelHarness(localWindow: 1 << 20);
        var reader = harness.Channel.InputReader;
        var pending = reader.ReadAsync(); // nothing delivered yet
        Assert.False(pending.IsCompleted);
        int continuedOn = -1;
        var continuation = Continue();

        int deliveredOn = await Task.Run(() =>
        {
            harness.Channel.OnData("abc"u8);
            return Environment.CurrentManagedThreadId;
        });
        await continuation.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(deliveredOn, continuedOn);

        async Task Continue()
        {
            var result = await pending;
            continuedOn = Environment.CurrentManagedThreadId;
            reader.AdvanceTo(result.Buffer.End);
        }
    }

    [Fact]
    public async Task Stream_reader_that_then_blocks_on_the_window_does_not_hold_up_the_read_loop()
    {
        await using var harness = new ChannelHarness(localWindow: 1 << 20, remoteWindow: 100);
        var buffer = new byte[16];
        var pending = harness.Channel.Input.ReadAsync(buffer); // nothing delivered yet
        Assert.False(pending.IsCompleted);
        var handler = ReadThenWriteBlocking();

        // The read loop delivers bytes and must get its thread back to read the adjust that unblocks the handler.
        await Task.Run(() => harness.Channel.OnData("go"u8)).WaitAsync(TimeSpan.FromSeconds(10));
        harness.Channel.OnWindowAdjust(10_000);
        await handler.WaitAsync(TimeSpan.FromSeconds(10));

        async Task ReadThenWriteBlocking()
        {
            Assert.Equal(2, await pending);
            // A synchronous write larger than the client's window: blocks until a window adjust arrives.
#pragma warning disable CA1849 // The blocking call is the point of the test.
            harness.Channel.Output.Write(new byte[1000]);
#pragma warning restore CA1849
        }
    }
}
