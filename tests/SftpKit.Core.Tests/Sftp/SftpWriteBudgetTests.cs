using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// A client faster than the storage: the session stops reading WRITEs once it holds
/// <see cref="SftpSubsystemOptions.MaxInFlightWriteBytes"/>, so the client is pushed back instead of the server
/// buffering every pipelined request.
/// </summary>
public class SftpWriteBudgetTests
{
    private const int Chunk = 64 * 1024;
    private const int Writes = 40;

    [Fact]
    public async Task Stops_reading_writes_past_the_byte_budget_until_storage_catches_up()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var memory = new InMemoryFileSystem();
        var fs = new SequentialOnlyFileSystem(memory) { WriteGate = gate.Task };
        var options = new SftpSubsystemOptions { MaxInFlightRequests = 64, MaxInFlightWriteBytes = 4 * Chunk, UploadMode = SftpUploadMode.Standard };
        await using var client = await SftpTestClient.StartInitializedAsync(fs, options);
        var handle = await client.OpenAsync("/up.bin", SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate);
        byte[] data = new byte[Writes * Chunk];
        Random.Shared.NextBytes(data);

        int sent = 0;
        var sender = Task.Run(async () =>
        {
            for (int i = 0; i < Writes; i++)
            {
                await client.SendAsync(client.Write(handle, (long)i * Chunk, data.AsSpan(i * Chunk, Chunk)).ToArray());
                Interlocked.Increment(ref sent);
            }
        });

        // Let the client push until it is held back (bounded: the count stops changing, or 10 s pass).
        int last = -1;
        for (int polls = 0, still = 0; polls < 200 && still < 10; polls++)
        {
            await Task.Delay(50);
            int now = Volatile.Read(ref sent);
            still = now == last ? still + 1 : 0;
            last = now;
        }
        // Budget: 3 WRITEs of 64 KiB + header held (a 4th would pass 256 KiB) plus the one waiting for the budget,
        // plus what the 64 KiB pipe and the session's 64 KiB read buffer hold: far fewer than all 40.
        Assert.False(sender.IsCompleted, "every WRITE was read although storage had accepted none");
        Assert.InRange(Volatile.Read(ref sent), 1, 10);
        Assert.Equal(0, fs.BytesWritten);

        gate.SetResult();
        await sender.WaitAsync(TimeSpan.FromSeconds(20));
        for (int i = 0; i < Writes; i++)
        {
            Assert.Equal(SftpStatusCode.Ok, (await client.ReceiveAsync()).Status());
        }
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal(data, memory.ReadAllBytes("/up.bin"));
    }

    [Fact]
    public async Task A_write_larger_than_the_budget_is_still_served()
    {
        var memory = new InMemoryFileSystem();
        var options = new SftpSubsystemOptions { MaxInFlightWriteBytes = 1024, UploadMode = SftpUploadMode.Standard };
        await using var client = await SftpTestClient.StartInitializedAsync(new SequentialOnlyFileSystem(memory), options);
        var handle = await client.OpenAsync("/big.bin", SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate);
        byte[] data = new byte[200 * 1024];
        Random.Shared.NextBytes(data);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, data.AsSpan(0, 100 * 1024))));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 100 * 1024, data.AsSpan(100 * 1024))));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal(data, memory.ReadAllBytes("/big.bin"));
    }
}
