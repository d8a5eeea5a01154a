using SftpKit.FileSystem;
using SftpKit.Sftp;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// lsetstat@openssh.com (OpenSSH's PROTOCOL file: SETSTAT that does not follow symbolic links) over the wire, against
/// the in-memory and the local file system. Each test also sends the following SETSTAT as a control, so the same
/// checks would catch an lsetstat that followed the link.
/// </summary>
public sealed class SftpLsetstatTests : IDisposable
{
    private const uint PermissionsFlag = 4;
    private const uint TimesFlag = 8;
    private const uint TypeMask = 0xF000;
    private const uint LinkType = 0xA000;
    private const uint TargetTime = 1_000_000_000; // 2001-09-09
    private const uint NewTime = 1_500_000_000; // 2017-07-14

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-lsetstat-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static SftpWire Lsetstat(SftpTestClient client, string path, uint flags, uint permissions = 0, uint time = 0)
        => SftpWire.Packet(SftpPacketType.Extended, client.NextId()).String(SftpExtensions.Lsetstat).String(path)
            .Attrs(flags, permissions: permissions, accessTime: time, modifyTime: time);

    private static SftpWire Setstat(SftpTestClient client, string path, uint flags, uint permissions = 0, uint time = 0)
        => SftpWire.Packet(SftpPacketType.Setstat, client.NextId()).String(path)
            .Attrs(flags, permissions: permissions, accessTime: time, modifyTime: time);

    private static async Task<(uint Flags, ulong Size, uint Permissions, uint AccessTime, uint ModifyTime)> StatAsync(
        SftpTestClient client, SftpPacketType type, string path)
    {
        var reply = await client.RequestAsync(SftpWire.Packet(type, client.NextId()).String(path));
        Assert.True(reply.Type == SftpPacketType.Attrs, $"{type} {path} gave {reply.Type}");
        return reply.Attrs();
    }

    [Fact]
    public async Task In_memory_lsetstat_sets_the_links_own_mode_and_times_and_leaves_the_target_alone()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/target", "content"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Setstat(client, "/target", PermissionsFlag | TimesFlag, 0x1A4, TargetTime)));
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Symlink, client.NextId()).String("/target").String("/link")));

        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Lsetstat(client, "/link", PermissionsFlag | TimesFlag, 0x180, NewTime)));

        var link = await StatAsync(client, SftpPacketType.Lstat, "/link");
        Assert.Equal(LinkType, link.Permissions & TypeMask);
        Assert.Equal(0x180u, link.Permissions & 0xFFF); // 0600
        Assert.Equal((NewTime, NewTime), (link.AccessTime, link.ModifyTime));
        var target = await StatAsync(client, SftpPacketType.Lstat, "/target");
        Assert.Equal(0x1A4u, target.Permissions & 0xFFF); // still 0644
        Assert.Equal((TargetTime, TargetTime), (target.AccessTime, target.ModifyTime));
        Assert.Equal("/target", await ReadLinkAsync(client, "/link"));

        // Control: SETSTAT through the link reaches the target.
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Setstat(client, "/link", PermissionsFlag, 0x1C0)));
        Assert.Equal(0x1C0u, (await StatAsync(client, SftpPacketType.Lstat, "/target")).Permissions & 0xFFF);
    }

    [Fact]
    public async Task Local_lsetstat_of_mode_and_times_on_a_link_changes_neither_the_link_nor_its_target()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links and Unix modes");
        Directory.CreateDirectory(_root);
        string targetPath = Path.Combine(_root, "target");
        await File.WriteAllTextAsync(targetPath, "content");
        File.SetUnixFileMode(targetPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var targetTime = DateTimeOffset.FromUnixTimeSeconds(TargetTime).UtcDateTime;
        File.SetLastAccessTimeUtc(targetPath, targetTime);
        File.SetLastWriteTimeUtc(targetPath, targetTime);
        File.CreateSymbolicLink(Path.Combine(_root, "link"), "target");
        await using var client = await SftpTestClient.StartInitializedAsync(new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root }));
        var linkBefore = await StatAsync(client, SftpPacketType.Lstat, "/link");

        // Linux has no mode for a link itself, and LocalFileSystem leaves a link's times alone too: the request
        // succeeds and changes nothing, on either side of the link.
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Lsetstat(client, "/link", PermissionsFlag | TimesFlag, 0x180, NewTime)));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(targetPath));
        Assert.Equal(targetTime, File.GetLastWriteTimeUtc(targetPath));
        Assert.Equal(targetTime, File.GetLastAccessTimeUtc(targetPath));
        var linkAfter = await StatAsync(client, SftpPacketType.Lstat, "/link");
        Assert.Equal(LinkType, linkAfter.Permissions & TypeMask);
        Assert.Equal(linkBefore, linkAfter);
        Assert.Equal("target", new FileInfo(Path.Combine(_root, "link")).LinkTarget);

        // Control: SETSTAT through the link reaches the target.
        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Setstat(client, "/link", PermissionsFlag | TimesFlag, 0x180, NewTime)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(targetPath));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(NewTime).UtcDateTime, File.GetLastWriteTimeUtc(targetPath));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("local")]
    public async Task Lsetstat_acts_on_a_dangling_link_that_setstat_cannot_follow(string backend)
    {
        IVirtualFileSystem fs;
        if (backend == "local")
        {
            Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links");
            Directory.CreateDirectory(_root);
            File.CreateSymbolicLink(Path.Combine(_root, "dangling"), "nowhere");
            fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });
        }
        else
        {
            var memory = new InMemoryFileSystem();
            await ((IVirtualFileSystem)memory).GetCapability<IVfsSymbolicLinks>()!.CreateSymbolicLinkAsync("/dangling", "/nowhere", CancellationToken.None);
            fs = memory;
        }
        await using var client = await SftpTestClient.StartInitializedAsync(fs);

        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Lsetstat(client, "/dangling", PermissionsFlag | TimesFlag, 0x180, NewTime)));
        Assert.Equal(SftpStatusCode.NoSuchFile, await client.StatusOfAsync(Setstat(client, "/dangling", PermissionsFlag | TimesFlag, 0x180, NewTime)));
        Assert.Equal(LinkType, (await StatAsync(client, SftpPacketType.Lstat, "/dangling")).Permissions & TypeMask);
        Assert.Equal(SftpStatusCode.NoSuchFile, await client.StatusOfAsync(SftpWire.Packet(SftpPacketType.Stat, client.NextId()).String("/nowhere")));
    }

    [Fact]
    public async Task Lsetstat_on_a_plain_file_sets_its_mode_and_times()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/plain", "content"u8);
        await using var client = await SftpTestClient.StartInitializedAsync(fs);

        Assert.Equal(SftpStatusCode.Ok, await client.StatusOfAsync(Lsetstat(client, "/plain", PermissionsFlag | TimesFlag, 0x180, NewTime)));

        var plain = await StatAsync(client, SftpPacketType.Stat, "/plain");
        Assert.Equal(0x180u, plain.Permissions & 0xFFF);
        Assert.Equal((NewTime, NewTime), (plain.AccessTime, plain.ModifyTime));
        Assert.Equal(7ul, plain.Size);
    }

    private static async Task<string> ReadLinkAsync(SftpTestClient client, string path)
    {
        var reply = await client.RequestAsync(SftpWire.Packet(SftpPacketType.Readlink, client.NextId()).String(path));
        Assert.Equal(SftpPacketType.Name, reply.Type);
        Assert.Equal(1u, reply.UInt32());
        return reply.String();
    }
}
