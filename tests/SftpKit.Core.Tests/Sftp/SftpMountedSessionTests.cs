using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>An SFTP session over a <see cref="MountedFileSystem"/> mixing random-access and sequential-only storage.</summary>
public sealed class SftpMountedSessionTests
{
    private const SftpOpenFlags CreateTruncate = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;

    private readonly InMemoryFileSystem _root = new();
    private readonly InMemoryFileSystem _objects = new();

    private MountedFileSystem CreateFileSystem() => new(_root, new VfsMount("/s3", new SequentialOnlyFileSystem(_objects)));

    [Theory]
    [InlineData("/up.bin")]
    [InlineData("/s3/up.bin")]
    public async Task OutOfOrder_Writes_Work_On_Every_Mount(string path)
    {
        await using var client = await SftpTestClient.StartInitializedAsync(CreateFileSystem(), new SftpSubsystemOptions { ReorderWindowBytes = 64 * 1024 });
        var content = RandomNumberGenerator.GetBytes(600_000);
        var handle = await client.OpenAsync(path, CreateTruncate);
        const int chunk = 32 * 1024;
        var offsets = Enumerable.Range(0, (content.Length + chunk - 1) / chunk).Select(i => i * chunk).Reverse().ToList();
        foreach (int offset in offsets)
        {
            await client.SendAsync(client.Write(handle, offset, content.AsSpan(offset, Math.Min(chunk, content.Length - offset))).ToArray());
        }
        for (int i = 0; i < offsets.Count; i++)
        {
            Assert.Equal(SftpStatusCode.Ok, (await client.ReceiveAsync()).Status());
        }
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(handle));
        var stored = path.StartsWith("/s3/", StringComparison.Ordinal) ? _objects.ReadAllBytes(path[3..]) : _root.ReadAllBytes(path);
        Assert.Equal(content, stored);
    }

    [Fact]
    public async Task Rewrites_Are_Decided_By_Each_Mounts_Writer()
    {
        await using var client = await SftpTestClient.StartInitializedAsync(CreateFileSystem());
        var random = await client.OpenAsync("/r", CreateTruncate);
        var sequential = await client.OpenAsync("/s3/s", CreateTruncate);
        foreach (var handle in new[] { random, sequential })
        {
            Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(handle, 0, "abcd"u8)));
        }
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(client.Write(random, 1, "X"u8)));
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(client.Write(sequential, 1, "X"u8)));
        Assert.Equal(SftpStatusCode.Ok, await client.CloseAsync(random));
        Assert.Equal("aXcd"u8.ToArray(), _root.ReadAllBytes("/r"));
    }

    [Fact]
    public async Task MountPoint_Protection_And_Link_Limits_Map_To_Status_Codes()
    {
        _objects.AddFile("/o", "o"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(CreateFileSystem());
        Assert.Equal(SftpStatusCode.PermissionDenied, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rmdir, client.NextId()).String("/s3")));
        Assert.Equal(SftpStatusCode.PermissionDenied, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rename, client.NextId()).String("/s3").String("/x")));
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Symlink, client.NextId()).String("/s3/o").String("/link")));
        Assert.Equal(SftpStatusCode.OpUnsupported, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Extended, client.NextId())
            .String("hardlink@openssh.com").String("/s3/o").String("/s3/h")));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Rename, client.NextId()).String("/s3/o").String("/moved")));
        Assert.Equal("o"u8.ToArray(), _root.ReadAllBytes("/moved"));
        var stat = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Stat, client.NextId()).String("/s3"));
        Assert.Equal(0x4000u, stat.Attrs().Permissions & 0xF000);
    }
}
