using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// The request table drives these tests: every row answers through its handler, VERSION announces exactly the
/// announced rows, a read-only session refuses every writing row before the file system sees it, and anything but
/// INIT first ends the session.
/// </summary>
public class SftpRequestTableTests
{
    public static TheoryData<string> RowsButInit => [.. SftpRequestSamples.Rows.Where(r => r.Type != SftpPacketType.Init).Select(r => r.Name)];

    public static TheoryData<string> WritingRows => [.. SftpRequestSamples.Rows.Where(r => r.Writes != SftpWrites.No).Select(r => r.Name)];

    public static TheoryData<string> ReadingRowsButInit =>
        [.. SftpRequestSamples.Rows.Where(r => r.Writes == SftpWrites.No && r.Type != SftpPacketType.Init).Select(r => r.Name)];

    public static TheoryData<byte> TypesButInit =>
        [.. SftpRequestTable.Requests.Where(r => r.Type != SftpPacketType.Init).Select(r => (byte)r.Type), (byte)SftpPacketType.Extended, 77];

    [Fact]
    public void Every_RequestType_IsOneRow_FoundByIndex()
    {
        var types = SftpRequestTable.Requests.Select(r => r.Type).ToList();
        Assert.Equal(types.Distinct().Count(), types.Count);
        var expected = Enum.GetValues<SftpPacketType>().Where(t => (byte)t < 100 && t != SftpPacketType.Version);
        Assert.Equal(expected.Order(), types.Order());
        foreach (var row in SftpRequestTable.Requests)
        {
            Assert.Same(row, SftpRequestTable.Find(row.Type));
            Assert.NotNull(row.Handler);
            Assert.False(string.IsNullOrEmpty(row.Name));
            Assert.Null(row.Announced);
        }
        Assert.Null(SftpRequestTable.Find(SftpPacketType.Extended));
        Assert.Null(SftpRequestTable.Find(SftpPacketType.Status));
    }

    [Fact]
    public void Every_Extension_IsOneRow_FoundByName()
    {
        var names = SftpRequestTable.Extensions.Select(r => r.Name).ToList();
        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        foreach (var row in SftpRequestTable.Extensions)
        {
            Assert.Equal(SftpPacketType.Extended, row.Type);
            Assert.Same(row, SftpRequestTable.FindExtension(row.Name));
            Assert.NotNull(row.Handler);
        }
        Assert.Null(SftpRequestTable.FindExtension("nope@example.com"));
    }

    [Fact]
    public void Only_Write_HoldsWriteData()
        => Assert.Equal(["write"], SftpRequestSamples.Rows.Where(r => r.HoldsWriteData).Select(r => r.Name));

    [Fact]
    public void Writing_Rows_AreThoseOpenSshRefusesReadOnly()
    {
        Assert.Equal(
        [
            "open", "write", "setstat", "fsetstat", "remove", "mkdir", "rmdir", "rename", "symlink",
            SftpExtensions.PosixRename, SftpExtensions.Hardlink, SftpExtensions.Fsync, SftpExtensions.Lsetstat, SftpExtensions.CopyData,
        ], SftpRequestSamples.Rows.Where(r => r.Writes != SftpWrites.No).Select(r => r.Name));
    }

    [Fact]
    public async Task Version_Lists_TheAnnouncedRows()
    {
        await using var client = SftpTestClient.Start();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Init, 3).ToArray());
        var version = await client.ReceiveAsync();
        var announced = new List<(string, string)>();
        while (!version.AtEnd)
        {
            announced.Add((version.String(), version.String()));
        }
        Assert.Equal(SftpRequestTable.Extensions.Where(r => r.Announced is not null).Select(r => (r.Name, r.Announced!)), announced);
    }

    [Theory]
    [MemberData(nameof(RowsButInit))]
    public async Task Every_Row_Answers_ThroughItsHandler(string name)
    {
        var fs = await SftpRequestSamples.Fixture();
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        await AssertAnswersAsync(client, SftpRequestSamples.Row(name), await OpenHandlesAsync(client, "/c.txt", SftpRequestSamples.CreateTruncate));
    }

    [Theory]
    [MemberData(nameof(WritingRows))]
    public async Task ReadOnly_Session_Denies_WritingRow_WithoutTouchingTheFileSystem(string name)
    {
        var (fs, recorder) = UntouchableFileSystem.Create();
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { ReadOnly = true });
        uint id = client.NextId();
        var reply = await client.RequestAsync(SftpRequestSamples.For(SftpRequestSamples.Row(name), id, SftpRequestSamples.Handles.Unknown));
        Assert.Equal(id, reply.Id);
        Assert.Equal(SftpStatusCode.PermissionDenied, reply.Status());
        Assert.Equal("Permission denied", reply.String());
        Assert.Empty(recorder.Calls);
    }

    [Theory]
    [MemberData(nameof(ReadingRowsButInit))]
    public async Task ReadOnly_Session_Serves_ReadingRows(string name)
    {
        var fs = await SftpRequestSamples.Fixture();
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { ReadOnly = true });
        // No handle can be open for writing: the "write" handle reads /b.txt.
        await AssertAnswersAsync(client, SftpRequestSamples.Row(name), await OpenHandlesAsync(client, "/b.txt", SftpOpenFlags.Read));
    }

    [Theory]
    [InlineData(0x02u)] // WRITE
    [InlineData(0x03u)] // READ | WRITE
    [InlineData(0x04u)] // APPEND
    [InlineData(0x09u)] // READ | CREAT
    [InlineData(0x11u)] // READ | TRUNC
    public async Task ReadOnly_Session_Denies_OpenForWriting(uint flags)
    {
        var fs = await SftpRequestSamples.Fixture();
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { ReadOnly = true });
        var open = SftpWire.Packet(SftpPacketType.Open, client.NextId()).String("/a.txt").UInt32(flags).Attrs();
        Assert.Equal(SftpStatusCode.PermissionDenied, await client.StatusOfAsync(open));
        var handle = await client.OpenAsync("/a.txt", SftpOpenFlags.Read);
        var read = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Read, client.NextId()).Bytes(handle).UInt64(0).UInt32(4096));
        Assert.Equal(SftpPacketType.Data, read.Type);
        Assert.Equal(1024, read.Bytes().Length);
    }

    [Theory]
    [MemberData(nameof(TypesButInit))]
    public async Task First_Packet_NotInit_EndsSession_WithoutTouchingTheFileSystem(byte type)
    {
        var (fs, recorder) = UntouchableFileSystem.Create();
        await using var client = SftpTestClient.Start(fs);
        var row = type == (byte)SftpPacketType.Extended ? SftpRequestSamples.Row(SftpExtensions.Statvfs) : SftpRequestTable.Find((SftpPacketType)type);
        var packet = row is null ? SftpWire.Packet((SftpPacketType)type, 1) : SftpRequestSamples.For(row, 1, SftpRequestSamples.Handles.Unknown);
        await client.SendAsync(packet.ToArray());
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
        Assert.Empty(recorder.Calls);
    }

    [Fact]
    public async Task Second_Init_EndsSession()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Init, 3).ToArray());
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
    }

    private static async Task<SftpRequestSamples.Handles> OpenHandlesAsync(SftpTestClient client, string writePath, SftpOpenFlags writeFlags)
    {
        var read = await client.OpenAsync("/a.txt", SftpOpenFlags.Read);
        var write = await client.OpenAsync(writePath, writeFlags);
        var dir = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Opendir, client.NextId()).String("/dir"));
        return new(read, write, dir.Bytes());
    }

    /// <summary>The row's own answer: a reply of its kind, or STATUS OK; never OP_UNSUPPORTED or a failure.</summary>
    private static async Task AssertAnswersAsync(SftpTestClient client, SftpRequest row, SftpRequestSamples.Handles handles)
    {
        uint id = client.NextId();
        var reply = await client.RequestAsync(SftpRequestSamples.For(row, id, handles));
        Assert.Equal(id, reply.Id);
        if (reply.Type == SftpPacketType.Status)
        {
            var code = reply.Status();
            Assert.True(code == SftpStatusCode.Ok, $"{row.Name} answered {code}: {reply.String()}");
        }
        else
        {
            Assert.Contains(reply.Type, new[] { SftpPacketType.Handle, SftpPacketType.Data, SftpPacketType.Name, SftpPacketType.Attrs, SftpPacketType.ExtendedReply });
        }
    }
}
