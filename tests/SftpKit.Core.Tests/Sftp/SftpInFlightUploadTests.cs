using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// Atomic uploads in flight (the default upload mode): the connection writing a file sees it (STAT, SETSTAT, a second
/// OPEN), other connections see the old file until the last CLOSE of all its handles publishes it.
/// </summary>
public class SftpInFlightUploadTests
{
    private const SftpOpenFlags CreateTruncate = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;
    private const uint TimesFlag = 8;

    private static SftpWire Stat(SftpTestClient client, string path) => SftpWire.Packet(SftpPacketType.Stat, client.NextId()).String(path);

    private static async Task<ulong> SizeAsync(SftpTestClient client, string path)
    {
        var reply = await client.RequestAsync(Stat(client, path));
        Assert.True(reply.Type == SftpPacketType.Attrs, $"STAT gave {reply.Type}");
        return reply.Attrs().Size;
    }

    private static async Task<byte[]> ReadAsync(SftpTestClient client, byte[] handle, long offset, uint length)
    {
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Read, client.NextId()).Bytes(handle).UInt64((ulong)offset).UInt32(length));
        Assert.Equal(SftpPacketType.Data, reply.Type);
        return reply.Bytes();
    }

    [Fact]
    public async Task SameConnection_SeesUpload_OtherConnection_SeesOldFileUntilClose()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/f", "old"u8);
        await using var writer = await SftpTestClient.StartInitializedAsync(fs);
        await using var other = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await writer.OpenAsync("/f", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(writer.Write(handle, 0, "new content"u8)));

        Assert.Equal(11ul, await SizeAsync(writer, "/f"));
        var lstat = await writer.RequestAsync(SftpWire.Packet(SftpPacketType.Lstat, writer.NextId()).String("/f"));
        Assert.Equal(11ul, lstat.Attrs().Size);
        Assert.Equal(3ul, await SizeAsync(other, "/f"));

        Assert.Equal(SftpStatusCode.Ok, await writer.CloseAsync(handle));
        Assert.Equal(11ul, await SizeAsync(other, "/f"));
        Assert.Equal("new content"u8.ToArray(), fs.ReadAllBytes("/f"));
    }

    [Fact]
    public async Task NewFile_InvisibleToOtherConnection_TouchSetsTimesAtPublish()
    {
        var fs = new InMemoryFileSystem();
        await using var writer = await SftpTestClient.StartInitializedAsync(fs);
        await using var other = await SftpTestClient.StartInitializedAsync(fs);
        // touch through sshfs: OPEN CREAT, SETSTAT of the times by name while the handle is open, CLOSE.
        var handle = await writer.OpenAsync("/t", SftpOpenFlags.Write | SftpOpenFlags.Create);
        const uint mtime = 1_612_325_106;
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(
            SftpWire.Packet(SftpPacketType.Setstat, writer.NextId()).String("/t").Attrs(TimesFlag, accessTime: mtime, modifyTime: mtime)));
        var seen = await writer.RequestAsync(Stat(writer, "/t"));
        Assert.Equal(mtime, seen.Attrs().ModifyTime);
        Assert.Equal(SftpStatusCode.NoSuchFile, (await other.RequestAsync(Stat(other, "/t"))).Status());

        Assert.Equal(SftpStatusCode.Ok, await writer.CloseAsync(handle));
        var published = (await other.RequestAsync(Stat(other, "/t"))).Attrs();
        Assert.Equal(mtime, published.ModifyTime);
        Assert.Equal(0ul, published.Size);
    }

    [Fact]
    public async Task TwoHandles_OneFile_NoDataLost_PublishedAtLastClose()
    {
        var fs = new InMemoryFileSystem();
        await using var writer = await SftpTestClient.StartInitializedAsync(fs);
        await using var other = await SftpTestClient.StartInitializedAsync(fs);
        var first = await writer.OpenAsync("/two", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(writer.Write(first, 0, "AAAA"u8)));
        var second = await writer.OpenAsync("/two", SftpOpenFlags.Read | SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(writer.Write(second, 4, "BBBB"u8)));
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(writer.Write(first, 1, "c"u8)));
        Assert.Equal("AcAABBBB"u8.ToArray(), await ReadAsync(writer, second, 0, 100));
        var reader = await writer.OpenAsync("/two", SftpOpenFlags.Read);
        Assert.Equal("AcAABBBB"u8.ToArray(), await ReadAsync(writer, reader, 0, 100));

        Assert.Equal(SftpStatusCode.Ok, await writer.CloseAsync(first));
        Assert.Equal(SftpStatusCode.Ok, await writer.StatusOfAsync(writer.Write(second, 8, "DD"u8)));
        Assert.Equal(SftpStatusCode.Ok, await writer.CloseAsync(second));
        Assert.False(fs.Exists("/two"));
        Assert.Equal(SftpStatusCode.NoSuchFile, (await other.RequestAsync(Stat(other, "/two"))).Status());
        Assert.Equal(SftpStatusCode.Ok, await writer.CloseAsync(reader));
        Assert.Equal("AcAABBBBDD"u8.ToArray(), fs.ReadAllBytes("/two"));
    }

    [Fact]
    public async Task SecondExclusiveOpen_OfUploadInFlight_FailsAsExisting()
    {
        await using var client = await SftpTestClient.StartInitializedAsync(new InMemoryFileSystem());
        var handle = await client.OpenAsync("/x", CreateTruncate);
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Open, client.NextId()).String("/x")
            .UInt32((uint)(SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Exclusive)).Attrs());
        Assert.Equal(SftpStatusCode.Failure, reply.Status());
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
    }

    [Fact]
    public async Task FailedUpload_SharedByTwoHandles_LeavesNothing()
    {
        var memory = new InMemoryFileSystem();
        var fs = new SequentialOnlyFileSystem(memory);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var first = await client.OpenAsync("/bad", CreateTruncate);
        var second = await client.OpenAsync("/bad", SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(first, 0, "0123456789"u8)));
        // Rewriting bytes a sequential-only storage has streamed fails the upload.
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(client.Write(second, 0, "x"u8)));
        Assert.NotEqual(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(first, 10, "more"u8)));
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.RequestAsync(Stat(client, "/bad"))).Status());
        Assert.NotEqual(SftpStatusCode.Ok, await client.CloseAsync(first));
        Assert.NotEqual(SftpStatusCode.Ok, await client.CloseAsync(second));
        Assert.False(memory.Exists("/bad"));
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.RequestAsync(Stat(client, "/bad"))).Status());
    }

    [Fact]
    public async Task Remove_OfUploadInFlight_DiscardsItAtClose()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/r", "old"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/r", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "new"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Remove, client.NextId()).String("/r")));
        Assert.False(fs.Exists("/r"));
        Assert.Equal(SftpStatusCode.NoSuchFile, (await client.RequestAsync(Stat(client, "/r"))).Status());
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 3, "er"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.False(fs.Exists("/r"));
    }

    [Fact]
    public async Task RenameOnto_UploadInFlight_Replaces_RenameOfIt_IsRefused()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/src", "moved"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/dst", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "uploading"u8)));
        Assert.Equal(SftpStatusCode.Failure, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rename, client.NextId()).String("/dst").String("/elsewhere")));
        Assert.Equal(SftpStatusCode.Failure, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rename, client.NextId()).String("/src").String("/dst")));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(
            SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String("posix-rename@openssh.com").String("/src").String("/dst")));
        Assert.Equal(5ul, await SizeAsync(client, "/dst"));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal("moved"u8.ToArray(), fs.ReadAllBytes("/dst"));
        Assert.False(fs.Exists("/elsewhere"));
    }

    [Fact]
    public async Task Stat_SentAfterWritesAndClose_SeesThePublishedFile()
    {
        // The storage is slower than the client: WRITEs and the CLOSE wait while the STAT behind them is already read.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var memory = new InMemoryFileSystem();
        var fs = new SequentialOnlyFileSystem(memory) { WriteGate = gate.Task };
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/slow", CreateTruncate);
        uint close = 0, stat = 0;
        await client.SendAsync(client.Write(handle, 0, new byte[70_000]).ToArray());
        await client.SendAsync(client.Write(handle, 70_000, new byte[30_000]).ToArray());
        close = client.NextId();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Close, close).Bytes(handle).ToArray());
        stat = client.NextId();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Stat, stat).String("/slow").ToArray());
        gate.SetResult();
        var replies = new List<SftpReply>();
        for (int i = 0; i < 4; i++)
        {
            replies.Add(await client.ReceiveAsync());
        }
        var statReply = Assert.Single(replies, r => r.Id == stat);
        Assert.Equal(SftpPacketType.Attrs, statReply.Type);
        Assert.Equal(100_000ul, statReply.Attrs().Size);
        Assert.True(replies.FindIndex(r => r.Id == close) < replies.IndexOf(statReply));
        Assert.Equal(100_000, memory.ReadAllBytes("/slow").Length);
    }

    [Fact]
    public async Task FirstWriteAtZero_WithoutTrunc_OverwritesInPlace_OnRandomAccessStorage()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/f", "old content that is long"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        // dd conv=notrunc through sshfs: OPEN without TRUNC, WRITE at 0; the rest of the file stays.
        var handle = await client.OpenAsync("/f", SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "new"u8)));
        Assert.Equal("old content that is long"u8.ToArray(), fs.ReadAllBytes("/f"));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal("new content that is long"u8.ToArray(), fs.ReadAllBytes("/f"));
    }
}
