using System.Buffers;
using System.IO.Pipelines;
using SftpKit.Ssh.Messages;

namespace SftpKit.Tests.Ssh.Connection;

/// <summary>A channel's input as the SFTP subsystem reads it (its pipe) and as other handlers do (a stream).</summary>
public sealed class SshChannelInputTests
{
    [Fact]
    public async Task Pipe_reader_reopens_the_window_by_the_bytes_consumed()
    {
        await using var harness = new ChannelHarness(localWindow: 1000);
        var reader = harness.Channel.InputReader;
        harness.Channel.OnData(Enumerable.Range(0, 600).Select(i => (byte)i).ToArray());

        var first = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(600, first.Buffer.Length);
        reader.AdvanceTo(first.Buffer.GetPosition(300)); // 300 < half the window: no adjust yet (the one below adds 600)

        var second = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(300, second.Buffer.Length);
        Assert.Equal((byte)44, second.Buffer.FirstSpan[0]); // byte 300
        reader.AdvanceTo(second.Buffer.End);

        var adjust = ChannelWindowAdjustMessage.Read(await harness.NextPacketAsync());
        Assert.Equal(7u, adjust.RecipientChannel);
        Assert.Equal(600u, adjust.BytesToAdd);
    }

    [Fact]
    public async Task Pipe_reader_ends_at_the_clients_eof()
    {
        await using var harness = new ChannelHarness(localWindow: 1000);
        var reader = harness.Channel.InputReader;
        harness.Channel.OnData("abc"u8);
        harness.Channel.OnEof();

        var read = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("abc"u8.ToArray(), read.Buffer.ToArray());
        reader.AdvanceTo(read.Buffer.End);
        var end = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(end.IsCompleted);
        Assert.True(end.Buffer.IsEmpty);
    }

    [Fact]
    public async Task Stream_zero_byte_read_waits_for_data_and_consumes_nothing()
    {
        await using var harness = new ChannelHarness(localWindow: 1000);
        var input = harness.Channel.Input;
        var wait = input.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(wait.IsCompleted); // no data: the zero-byte read waits instead of returning at once

        harness.Channel.OnData("hello"u8);
        Assert.Equal(0, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        byte[] buffer = new byte[16];
        int read = await input.ReadAsync(buffer);
        Assert.Equal("hello"u8.ToArray(), buffer[..read]);
    }

    [Fact]
    public async Task Stream_pipe_reader_with_zero_byte_reads_sees_every_byte_and_the_eof()
    {
        await using var harness = new ChannelHarness(localWindow: 1 << 20);
        var reader = PipeReader.Create(harness.Channel.Input, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true, useZeroByteReads: true));
        byte[] sent = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var received = new List<byte>();
        var reading = Task.Run(async () =>
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                received.AddRange(result.Buffer.ToArray());
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        });
        for (int offset = 0; offset < sent.Length; offset += 1000)
        {
            harness.Channel.OnData(sent.AsSpan(offset, 1000));
            await Task.Yield();
        }
        harness.Channel.OnEof();
        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(sent, received.ToArray());
    }
}
