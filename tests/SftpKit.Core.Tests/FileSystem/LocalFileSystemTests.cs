using System.Text;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

public sealed class LocalFileSystemTests : FileSystemContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-fs-" + Guid.NewGuid().ToString("N"));

    protected override IVirtualFileSystem CreateFileSystem() => new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Umask_Applies_To_New_Files_And_Directories()
    {
        var fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root, Umask = 0x3F }); // 077
        await using (var writer = await fs.OpenWriteAsync("/f", new VfsWriteOptions(), Ct))
        {
            await writer.CompleteAsync(Ct);
        }
        await fs.CreateDirectoryAsync("/d", Ct);
        Assert.Equal(0x180u, (await fs.GetInfoAsync("/f", true, Ct)).Permissions);
        Assert.Equal(0x1C0u, (await fs.GetInfoAsync("/d", true, Ct)).Permissions);
    }

    [Fact]
    public async Task Umask_Masks_0777_For_Directories_As_Mkdir_Does()
    {
        var fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root, Umask = 0x2 }); // 002
        await using (var writer = await fs.OpenWriteAsync("/f", new VfsWriteOptions { Permissions = 0x1B6 }, Ct)) // 0666
        {
            await writer.CompleteAsync(Ct);
        }
        await fs.CreateDirectoryAsync("/d", Ct);
        Assert.Equal(0x1B4u, (await fs.GetInfoAsync("/f", true, Ct)).Permissions); // 0664
        Assert.Equal(0x1FDu, (await fs.GetInfoAsync("/d", true, Ct)).Permissions); // 0775
    }

    [Theory]
    [InlineData("022", 0x12u)]
    [InlineData("0027", 0x17u)]
    [InlineData("0", 0u)]
    [InlineData("777", 0x1FFu)]
    public void Umask_Text_Is_Octal(string text, uint expected)
    {
        Assert.True(SftpKit.Accounts.LocalStorageProvider.TryParseUmask(text, out uint umask));
        Assert.Equal(expected, umask);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0899")]
    [InlineData("01000")]
    [InlineData("7777")]
    [InlineData("-22")]
    public void Umask_Text_Outside_0_To_0777_Is_Refused(string text) =>
        Assert.False(SftpKit.Accounts.LocalStorageProvider.TryParseUmask(text, out _));

    [Fact]
    public async Task Client_Symlink_With_Absolute_Target_Is_Stored_Relative_And_Read_Back_Virtual()
    {
        var fs = (LocalFileSystem)Fs;
        await Fs.CreateDirectoryAsync("/x", Ct);
        await Fs.CreateDirectoryAsync("/x/y", Ct);
        await WriteAsync("/a.txt", "inside");
        await fs.CreateSymbolicLinkAsync("/x/y/link", "/a.txt", Ct);
        await fs.CreateSymbolicLinkAsync("/x/y/climb", "../../../../../a.txt", Ct);

        string stored = new FileInfo(Path.Combine(fs.RootPath, "x/y/link")).LinkTarget!;
        Assert.False(Path.IsPathRooted(stored));
        Assert.Equal("/a.txt", await fs.ReadSymbolicLinkAsync("/x/y/link", Ct));
        Assert.Equal("inside", await ReadAsync("/x/y/link"));
        Assert.Equal("inside", await ReadAsync("/x/y/climb"));
        Assert.Equal("inside", File.ReadAllText(Path.Combine(fs.RootPath, "x/y/link")));
    }

    [Fact]
    public async Task Uploads_In_Progress_Are_Hidden_From_Listings()
    {
        await using var writer = await Fs.OpenWriteAsync("/f", new VfsWriteOptions(), Ct);
        await writer.WriteAsync("x"u8.ToArray(), Ct);
        Assert.Single(Directory.GetFiles(((LocalFileSystem)Fs).RootPath));
        Assert.Empty(await ListAsync("/"));
    }

    [Fact]
    public async Task Reports_Owner_And_Link_Count_From_Stat()
    {
        await WriteAsync("/f", "x");
        var info = await Fs.GetInfoAsync("/f", true, Ct);
        Assert.Equal(1u, info.LinkCount);
        Assert.Equal(1, info.Size);
        if (OperatingSystem.IsLinux())
        {
            string status = File.ReadAllText("/proc/self/status");
            string uidLine = status.Split('\n').First(l => l.StartsWith("Uid:"));
            Assert.Equal(uint.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]), info.Uid);
        }
    }
}
