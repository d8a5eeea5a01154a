using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

public class SftpSessionTests
{
    private const SftpOpenFlags CreateTruncate = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;

    [Fact]
    public async Task Version_AnnouncesExtensions_InOrder()
    {
        await using var client = SftpTestClient.Start();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Init, 6).String("ignored").String("1").ToArray());
        var version = await client.ReceiveAsync();
        Assert.Equal(SftpPacketType.Version, version.Type);
        Assert.Equal(3u, version.Id);
        var pairs = new List<(string, string)>();
        while (!version.AtEnd)
        {
            pairs.Add((version.String(), version.String()));
        }
        Assert.Equal(
        [
            ("posix-rename@openssh.com", "1"), ("statvfs@openssh.com", "2"), ("fstatvfs@openssh.com", "2"),
            ("hardlink@openssh.com", "1"), ("fsync@openssh.com", "1"), ("lsetstat@openssh.com", "1"),
            ("limits@openssh.com", "1"), ("expand-path@openssh.com", "1"), ("copy-data", "1"),
            ("home-directory", "1"), ("users-groups-by-id@openssh.com", "1"),
            ("check-file", "md5,sha1,sha224,sha256,sha384,sha512"),
        ], pairs);
    }

    [Fact]
    public async Task Rejects_RequestBeforeInit_EndsSession()
    {
        await using var client = SftpTestClient.Start();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Stat, 1).String("/").ToArray());
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
    }

    [Fact]
    public async Task Malformed_Packet_EndsSession()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        await client.SendAsync(SftpWire.Packet(SftpPacketType.Stat, 1).UInt32(1000).Raw("/x"u8).ToArray());
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
    }

    [Fact]
    public async Task Oversized_Packet_EndsSession()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        await client.SendAsync([0x7F, 0xFF, 0xFF, 0xFF, 6]);
        Assert.True(await client.ServerEndedAsync());
        Assert.Equal(1, await client.Server);
    }

    [Fact]
    public async Task Limits_Reply()
    {
        await using var client = await SftpTestClient.StartInitializedAsync(options: new SftpSubsystemOptions { MaxOpenHandles = 17 });
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, 5).String("limits@openssh.com"));
        Assert.Equal(SftpPacketType.ExtendedReply, reply.Type);
        Assert.Equal(262144ul, reply.UInt64());
        Assert.Equal(261120ul, reply.UInt64());
        Assert.Equal(261120ul, reply.UInt64());
        Assert.Equal(17ul, reply.UInt64());
    }

    [Theory]
    [InlineData("/bad\u0001name", 3u)]
    [InlineData("/missing/file", 2u)]
    [InlineData("../../../etc/passwd", 2u)]
    public async Task Bad_Paths_GetStatus_NotACrash(string path, uint expectedCode)
    {
        var expected = (SftpStatusCode)expectedCode;
        await using var client = await SftpTestClient.StartInitializedAsync();
        foreach (var type in new[] { SftpPacketType.Stat, SftpPacketType.Lstat, SftpPacketType.Opendir, SftpPacketType.Remove, SftpPacketType.Rmdir })
        {
            var reply = await client.RequestAsync(SftpWire.Packet(type, client.NextId()).String(path));
            var status = reply.Status();
            Assert.Equal(expected, status);
            Assert.DoesNotContain("missing", reply.String(), StringComparison.Ordinal);
        }
        var open = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Open, client.NextId()).String(path).UInt32(1).Attrs());
        Assert.Equal(expected, open.Status());
        // Still serving.
        var real = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Realpath, client.NextId()).String("."));
        Assert.Equal(SftpPacketType.Name, real.Type);
    }

    [Fact]
    public async Task Invalid_Utf8_Path_IsPermissionDenied()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Stat, 1).Bytes([0x2F, 0xC3, 0x28]));
        Assert.Equal(SftpStatusCode.PermissionDenied, reply.Status());
    }

    [Fact]
    public async Task Realpath_NormalisesRelativeToHome()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Realpath, 1).String("a/./b/../../../c"));
        Assert.Equal(SftpPacketType.Name, reply.Type);
        Assert.Equal(1u, reply.UInt32());
        Assert.Equal("/c", reply.String());
        var expand = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, 2).String("expand-path@openssh.com").String("~/docs"));
        reply = expand;
        Assert.Equal(1u, reply.UInt32());
        Assert.Equal("/docs", reply.String());
    }

    [Fact]
    public async Task Unknown_Request_IsOpUnsupported()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(SftpWire.Packet((SftpPacketType)77, 1)));
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Extended, 2).String("nope@example.com")));
    }

    [Fact]
    public async Task Readdir_BatchesOf100_ThenEof_NeverEmptyName()
    {
        var fs = new InMemoryFileSystem();
        await fs.CreateDirectoryAsync("/big", default);
        for (int i = 0; i < 1050; i++)
        {
            fs.AddFile($"/big/file{i:D4}", [1, 2, 3]);
        }
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var open = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Opendir, client.NextId()).String("/big"));
        var handle = open.Bytes();
        var names = new HashSet<string>();
        while (true)
        {
            var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Readdir, client.NextId()).Bytes(handle));
            if (reply.Type == SftpPacketType.Status)
            {
                Assert.Equal(SftpStatusCode.Eof, reply.Status());
                break;
            }
            Assert.Equal(SftpPacketType.Name, reply.Type);
            uint count = reply.UInt32();
            Assert.InRange(count, 1u, 100u);
            for (int i = 0; i < count; i++)
            {
                string name = reply.String();
                string longName = reply.String();
                var attrs = reply.Attrs();
                Assert.StartsWith("-rw-r--r--", longName, StringComparison.Ordinal);
                Assert.EndsWith(" " + name, longName, StringComparison.Ordinal);
                Assert.Equal(0x8000u, attrs.Permissions & 0xF000);
                Assert.True(names.Add(name));
            }
        }
        Assert.Equal(1050, names.Count);
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
    }

    [Fact]
    public async Task Handle_Limit_IsEnforced()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/f", [1]);
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { MaxOpenHandles = 3 });
        var handles = new List<byte[]>();
        for (int i = 0; i < 3; i++)
        {
            handles.Add(await client.OpenAsync("/f", SftpOpenFlags.Read));
        }
        var refused = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Open, client.NextId()).String("/f").UInt32(1).Attrs());
        Assert.Equal(SftpStatusCode.Failure, refused.Status());
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handles[0]));
        handles[0] = await client.OpenAsync("/f", SftpOpenFlags.Read);
        // A closed handle stays invalid.
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handles[1]));
        Assert.Equal(SftpStatusCode.Failure, await client.CloseAsync(handles[1]));
    }

    [Theory]
    [InlineData(false, 8L * 1024 * 1024)] // random-access writer, reorder window
    [InlineData(false, 64 * 1024)] // random-access writer, past the window → WriteAtAsync
    [InlineData(true, 8L * 1024 * 1024)] // sequential writer, reorder window
    [InlineData(true, 64 * 1024)] // sequential writer, past the window → temp file
    public async Task OutOfOrder_Writes_ProduceTheFile(bool sequentialOnly, long window)
    {
        var memory = new InMemoryFileSystem();
        IVirtualFileSystem fs = sequentialOnly ? new SequentialOnlyFileSystem(memory) : memory;
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { ReorderWindowBytes = window });
        var content = RandomNumberGenerator.GetBytes(1_000_000);
        var handle = await client.OpenAsync("/up.bin", CreateTruncate);
        const int chunk = 32 * 1024;
        var offsets = Enumerable.Range(0, (content.Length + chunk - 1) / chunk).Select(i => i * chunk).ToList();
        // Several "streams" interleaved, as rclone's concurrent writers: the last chunks first, then the rest shuffled.
        var order = offsets.AsEnumerable().Reverse().Take(5).Concat(offsets.Take(offsets.Count - 5).OrderBy(o => (o * 7919) % 101)).ToList();
        foreach (int offset in order)
        {
            await client.SendAsync(client.Write(handle, offset, content.AsSpan(offset, Math.Min(chunk, content.Length - offset))).ToArray());
        }
        for (int i = 0; i < order.Count; i++)
        {
            Assert.Equal(SftpStatusCode.Ok, (await client.ReceiveAsync()).Status());
        }
        Assert.False(memory.Exists("/up.bin"));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal(content, memory.ReadAllBytes("/up.bin"));
    }

    [Fact]
    public async Task Atomic_Upload_NotClosed_LeavesNoFile()
    {
        var fs = new InMemoryFileSystem();
        var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/partial.bin", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, (await client.RequestAsync(client.Write(handle, 0, new byte[1000]))).Status());
        await client.DisposeAsync();
        Assert.Equal(0, await client.Server);
        Assert.False(fs.Exists("/partial.bin"));
    }

    [Fact]
    public async Task Atomic_Upload_ReplacesExisting_OnlyOnClose()
    {
        var memory = new InMemoryFileSystem();
        memory.AddFile("/f", "old content that is long"u8);
        var fs = new SequentialOnlyFileSystem(memory);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        // No TRUNC, first write at 0 on storage that cannot overwrite in place (an object store): a new upload that
        // replaces the file on close.
        var handle = await client.OpenAsync("/f", SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "new"u8)));
        Assert.Equal("old content that is long"u8.ToArray(), memory.ReadAllBytes("/f"));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal("new"u8.ToArray(), memory.ReadAllBytes("/f"));
    }

    [Fact]
    public async Task Resume_WithoutTrunc_AtCurrentSize_And_Append()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/f", "hello "u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/f", SftpOpenFlags.Write);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 6, "world"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal("hello world"u8.ToArray(), fs.ReadAllBytes("/f"));

        handle = await client.OpenAsync("/f", SftpOpenFlags.Write | SftpOpenFlags.Append);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "!"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "?"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        Assert.Equal("hello world!?"u8.ToArray(), fs.ReadAllBytes("/f"));
    }

    [Fact]
    public async Task Read_Data_ThenEof()
    {
        var fs = new InMemoryFileSystem();
        var content = RandomNumberGenerator.GetBytes(300_000);
        fs.AddFile("/r", content);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var handle = await client.OpenAsync("/r", SftpOpenFlags.Read);
        var first = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Read, client.NextId()).Bytes(handle).UInt64(0).UInt32(400_000));
        Assert.Equal(SftpPacketType.Data, first.Type);
        var data = first.Bytes();
        Assert.Equal(261120, data.Length);
        var second = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Read, client.NextId()).Bytes(handle).UInt64(261120).UInt32(100_000));
        Assert.Equal(content, data.Concat(second.Bytes()).ToArray());
        var eof = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Read, client.NextId()).Bytes(handle).UInt64(300_000).UInt32(10));
        Assert.Equal(SftpStatusCode.Eof, eof.Status());
    }

    [Fact]
    public async Task Rename_DoesNotOverwrite_PosixRenameDoes()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/a", "A"u8);
        fs.AddFile("/b", "B"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        Assert.Equal(SftpStatusCode.Failure, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rename, 1).String("/a").String("/b")));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Extended, 2).String("posix-rename@openssh.com").String("/a").String("/b")));
        Assert.Equal("A"u8.ToArray(), fs.ReadAllBytes("/b"));
    }

    [Fact]
    public async Task Symlink_UsesOpenSshArgumentOrder()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/target", "T"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Symlink, 1).String("/target").String("/link")));
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Readlink, 2).String("/link"));
        Assert.Equal(1u, reply.UInt32());
        Assert.Equal("/target", reply.String());
        var lstat = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Lstat, 3).String("/link"));
        Assert.Equal(0xA000u, lstat.Attrs().Permissions & 0xF000);
    }

    [Fact]
    public async Task CopyData_CopiesBetweenHandles()
    {
        var fs = new InMemoryFileSystem();
        var content = RandomNumberGenerator.GetBytes(200_000);
        fs.AddFile("/src", content);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        var from = await client.OpenAsync("/src", SftpOpenFlags.Read);
        var to = await client.OpenAsync("/dst", CreateTruncate);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId())
            .String("copy-data").Bytes(from).UInt64(0).UInt64(0).Bytes(to).UInt64(0)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(to));
        Assert.Equal(content, fs.ReadAllBytes("/dst"));
    }

    [Fact]
    public async Task Statvfs_Replies_ElevenFields()
    {
        await using var client = await SftpTestClient.StartInitializedAsync();
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Extended, 1).String("statvfs@openssh.com").String("/"));
        Assert.Equal(SftpPacketType.ExtendedReply, reply.Type);
        for (int i = 0; i < 11; i++)
        {
            reply.UInt64();
        }
        Assert.True(reply.AtEnd);
    }

    [Fact]
    public async Task Pipelined_Requests_AllAnswered_WithSmallInFlightLimit()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/f", new byte[100_000]);
        await using var client = await SftpTestClient.StartInitializedAsync(fs, new SftpSubsystemOptions { MaxInFlightRequests = 2 });
        var handle = await client.OpenAsync("/f", SftpOpenFlags.Read);
        var ids = new HashSet<uint>();
        for (int i = 0; i < 50; i++)
        {
            uint id = client.NextId();
            ids.Add(id);
            await client.SendAsync(SftpWire.Packet(SftpPacketType.Read, id).Bytes(handle).UInt64((ulong)(i * 2000)).UInt32(2000).ToArray());
        }
        for (int i = 0; i < 50; i++)
        {
            var reply = await client.ReceiveAsync();
            Assert.Equal(SftpPacketType.Data, reply.Type);
            Assert.True(ids.Remove(reply.Id));
        }
    }
}
