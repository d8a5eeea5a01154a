using System.Text;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

public sealed class InMemoryFileSystemTests : FileSystemContractTests
{
    protected override IVirtualFileSystem CreateFileSystem() => new InMemoryFileSystem();

    [Fact]
    public void AddFile_Creates_Parents_And_ReadAllBytes_Returns_Content()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/a/b/c.txt", "hi"u8);
        Assert.True(fs.Exists("/a/b"));
        Assert.True(fs.Exists("/a/b/c.txt"));
        Assert.False(fs.Exists("/a/x"));
        Assert.Equal("hi", Encoding.UTF8.GetString(fs.ReadAllBytes("/a/b/c.txt")));
        fs.AddFile("/a/b/c.txt", "bye"u8);
        Assert.Equal("bye", Encoding.UTF8.GetString(fs.ReadAllBytes("/a/b/c.txt")));
    }

    [Fact]
    public async Task Capacity_Limit_Yields_NoSpace_And_Is_Reported()
    {
        var fs = new InMemoryFileSystem(capacityBytes: 10 * 4096);
        fs.AddFile("/a", new byte[8 * 4096]);
        var space = await fs.GetSpaceAsync("/", CancellationToken.None);
        Assert.Equal(10, space.TotalBlocks);
        Assert.Equal(2, space.FreeBlocks);

        await using (var writer = await fs.OpenWriteAsync("/b", new VfsWriteOptions(), CancellationToken.None))
        {
            var ex = await Assert.ThrowsAsync<VfsException>(() => writer.WriteAsync(new byte[3 * 4096], CancellationToken.None).AsTask());
            Assert.Equal(VfsError.NoSpace, ex.Error);
        }
        Assert.Equal(8 * 4096, fs.UsedBytes);
        await fs.DeleteFileAsync("/a", CancellationToken.None);
        Assert.Equal(0, fs.UsedBytes);
    }

    [Fact]
    public async Task Discarded_And_Replaced_Uploads_Release_Capacity()
    {
        var fs = new InMemoryFileSystem(capacityBytes: 100);
        fs.AddFile("/a", new byte[60]);
        await using (var writer = await fs.OpenWriteAsync("/a", new VfsWriteOptions { Truncate = true }, CancellationToken.None))
        {
            await writer.WriteAsync(new byte[30], CancellationToken.None);
            Assert.Equal(90, fs.UsedBytes);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(30, fs.UsedBytes);
        await using (var writer = await fs.OpenWriteAsync("/b", new VfsWriteOptions(), CancellationToken.None))
        {
            await writer.WriteAsync(new byte[50], CancellationToken.None);
        }
        Assert.Equal(30, fs.UsedBytes);
    }

    [Fact]
    public async Task Concurrent_Writers_Do_Not_Corrupt_The_Tree()
    {
        var fs = new InMemoryFileSystem();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++)
            {
                await using var writer = await fs.OpenWriteAsync($"/t{t}-{i}", new VfsWriteOptions(), CancellationToken.None);
                await writer.WriteAsync(new byte[] { (byte)t }, CancellationToken.None);
                await writer.CompleteAsync(CancellationToken.None);
            }
        })));
        int count = 0;
        await foreach (var _ in fs.ListAsync("/", CancellationToken.None))
        {
            count++;
        }
        Assert.Equal(800, count);
    }

    [Fact]
    public async Task Relative_Link_Targets_Resolve_Against_The_Links_Directory_And_Stop_At_Root()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/etc/passwd", "virtual"u8);
        fs.AddFile("/x/y/file", "deep"u8);
        await fs.CreateSymbolicLinkAsync("/x/y/up", "../../../../etc/passwd", CancellationToken.None);
        await fs.CreateSymbolicLinkAsync("/x/y/sib", "./file", CancellationToken.None);
        Assert.Equal("virtual", Encoding.UTF8.GetString(fs.ReadAllBytes("/x/y/up")));
        Assert.Equal("deep", Encoding.UTF8.GetString(fs.ReadAllBytes("/x/y/sib")));
    }
}
