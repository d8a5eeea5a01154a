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
