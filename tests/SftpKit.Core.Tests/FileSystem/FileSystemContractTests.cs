using System.Text;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// Behaviour every <see cref="IVirtualFileSystem"/> must show, run per implementation. Tests of an optional capability
/// (found through <see cref="IVirtualFileSystem.GetCapability{T}"/>) are skipped where the file system lacks it, and
/// <see cref="ExpectedCapabilities"/> pins which ones each implementation has.
/// </summary>
public abstract class FileSystemContractTests : IAsyncLifetime
{
    private IVirtualFileSystem? _fs;

    protected IVirtualFileSystem Fs => _fs ?? throw new InvalidOperationException("Not initialised.");

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract IVirtualFileSystem CreateFileSystem();

    /// <summary>The capabilities of SftpKit's own this file system has. Defaults to every one but the probe.</summary>
    protected virtual IReadOnlyCollection<Type> ExpectedCapabilities { get; } =
        [typeof(IVfsSymbolicLinks), typeof(IVfsHardLinks), typeof(IVfsSpaceInfo), typeof(IVfsServerSideCopy), typeof(IVfsRandomAccessWrites)];

    /// <summary>Whether the storage keeps modes, times and sizes set through SetInfo. Defaults to true.</summary>
    protected virtual bool KeepsAttributes => true;

    /// <summary>
    /// The error for a stat of a name under a file: NotADirectory by default; NotFound where paths have no parents to
    /// check (object stores, whose keys are names).
    /// </summary>
    protected virtual VfsError StatUnderFile => VfsError.NotADirectory;

    /// <summary>Writes at any offset and in-place uploads (<see cref="IVfsRandomAccessWrites"/>).</summary>
    private bool RandomAccess => Fs.GetCapability<IVfsRandomAccessWrites>() is not null;

    /// <summary>The capability, or the test skipped when the file system lacks it.</summary>
    protected T CapabilityOrSkip<T>()
        where T : class
    {
        var capability = Fs.GetCapability<T>();
        Assert.SkipWhen(capability is null, $"{Fs.GetType().Name} has no {typeof(T).Name}.");
        return capability!;
    }

    public virtual ValueTask InitializeAsync()
    {
        _fs = CreateFileSystem();
        return ValueTask.CompletedTask;
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected async Task WriteAsync(string path, string content, VfsWriteOptions? options = null)
    {
        await using var writer = await Fs.OpenWriteAsync(path, options ?? new VfsWriteOptions { Truncate = true }, Ct);
        await writer.WriteAsync(Encoding.UTF8.GetBytes(content), Ct);
        await writer.CompleteAsync(Ct);
    }

    protected async Task<string> ReadAsync(string path)
    {
        await using var reader = await Fs.OpenReadAsync(path, Ct);
        var all = new MemoryStream();
        var buffer = new byte[7];
        long offset = 0;
        int n;
        while ((n = await reader.ReadAsync(offset, buffer, Ct)) > 0)
        {
            all.Write(buffer, 0, n);
            offset += n;
        }
        return Encoding.UTF8.GetString(all.ToArray());
    }

    protected async Task<List<VfsFileInfo>> ListAsync(string path)
    {
        var list = new List<VfsFileInfo>();
        await foreach (var info in Fs.ListAsync(path, Ct))
        {
            list.Add(info);
        }
        return list;
    }

    protected static async Task<VfsError> ErrorOf(Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<VfsException>(action);
        return ex.Error;
    }

    [Fact]
    public void Has_Exactly_The_Expected_Capabilities()
    {
        Type[] known = [typeof(IVfsSymbolicLinks), typeof(IVfsHardLinks), typeof(IVfsSpaceInfo), typeof(IVfsServerSideCopy), typeof(IVfsRandomAccessWrites)];
        var present = known.Where(t => Has(t)).Select(t => t.Name).Order(StringComparer.Ordinal);
        Assert.Equal(ExpectedCapabilities.Select(t => t.Name).Order(StringComparer.Ordinal), present);
    }

    private bool Has(Type capability) => capability.Name switch
    {
        nameof(IVfsSymbolicLinks) => Fs.GetCapability<IVfsSymbolicLinks>() is not null,
        nameof(IVfsHardLinks) => Fs.GetCapability<IVfsHardLinks>() is not null,
        nameof(IVfsSpaceInfo) => Fs.GetCapability<IVfsSpaceInfo>() is not null,
        nameof(IVfsServerSideCopy) => Fs.GetCapability<IVfsServerSideCopy>() is not null,
        _ => Fs.GetCapability<IVfsRandomAccessWrites>() is not null,
    };

    [Fact]
    public async Task Creates_Lists_And_Stats_Entries()
    {
        await Fs.CreateDirectoryAsync("/d", Ct);
        await WriteAsync("/d/b.txt", "bee");
        await WriteAsync("/d/a.txt", "a");
        await Fs.CreateDirectoryAsync("/d/sub", Ct);

        var names = (await ListAsync("/d")).Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(["a.txt", "b.txt", "sub"], names);

        var info = await Fs.GetInfoAsync("/d/b.txt", true, Ct);
        Assert.Equal("b.txt", info.Name);
        Assert.Equal(VfsFileType.File, info.Type);
        Assert.Equal(3, info.Size);
        Assert.Equal(VfsFileType.Directory, (await Fs.GetInfoAsync("/d/sub", true, Ct)).Type);
        Assert.Equal(VfsFileType.Directory, (await Fs.GetInfoAsync("/", true, Ct)).Type);
        Assert.Empty(await ListAsync("/d/sub"));
    }

    [Fact]
    public async Task Missing_Paths_Are_NotFound()
    {
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.GetInfoAsync("/nope", true, Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.OpenReadAsync("/nope", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.DeleteFileAsync("/nope", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.DeleteDirectoryAsync("/nope", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.CreateDirectoryAsync("/nope/child", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => WriteAsync("/nope/child.txt", "x")));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.RenameAsync("/nope", "/other", false, Ct).AsTask()));
    }

    [Fact]
    public async Task Wrong_Kinds_Report_Precise_Errors()
    {
        await Fs.CreateDirectoryAsync("/dir", Ct);
        await WriteAsync("/file", "x");
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => Fs.CreateDirectoryAsync("/dir", Ct).AsTask()));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => Fs.CreateDirectoryAsync("/file", Ct).AsTask()));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => Fs.OpenReadAsync("/dir", Ct).AsTask()));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => WriteAsync("/dir", "x")));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => Fs.DeleteFileAsync("/dir", Ct).AsTask()));
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => Fs.DeleteDirectoryAsync("/file", Ct).AsTask()));
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => ListAsync("/file")));
        Assert.Equal(StatUnderFile, await ErrorOf(() => Fs.GetInfoAsync("/file/child", true, Ct).AsTask()));
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => WriteAsync("/file/child", "x")));
    }

    [Fact]
    public async Task Deletes_Files_And_Only_Empty_Directories()
    {
        await Fs.CreateDirectoryAsync("/d", Ct);
        await WriteAsync("/d/f", "x");
        Assert.Equal(VfsError.DirectoryNotEmpty, await ErrorOf(() => Fs.DeleteDirectoryAsync("/d", Ct).AsTask()));
        await Fs.DeleteFileAsync("/d/f", Ct);
        await Fs.DeleteDirectoryAsync("/d", Ct);
        Assert.Empty(await ListAsync("/"));
    }

    [Fact]
    public async Task Rename_Without_Overwrite_Refuses_Existing_Target()
    {
        await WriteAsync("/a", "A");
        await WriteAsync("/b", "B");
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => Fs.RenameAsync("/a", "/b", false, Ct).AsTask()));
        Assert.Equal("A", await ReadAsync("/a"));
        Assert.Equal("B", await ReadAsync("/b"));

        await Fs.RenameAsync("/a", "/c", false, Ct);
        Assert.Equal("A", await ReadAsync("/c"));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.GetInfoAsync("/a", true, Ct).AsTask()));
    }

    [Fact]
    public async Task Rename_With_Overwrite_Replaces_Target()
    {
        await WriteAsync("/a", "A");
        await WriteAsync("/b", "B");
        await Fs.RenameAsync("/a", "/b", true, Ct);
        Assert.Equal("A", await ReadAsync("/b"));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.GetInfoAsync("/a", true, Ct).AsTask()));
    }

    [Fact]
    public async Task Renames_Directories_With_Content()
    {
        await Fs.CreateDirectoryAsync("/d", Ct);
        await WriteAsync("/d/f", "content");
        await Fs.CreateDirectoryAsync("/e", Ct);
        await Fs.RenameAsync("/d", "/e/moved", false, Ct);
        Assert.Equal("content", await ReadAsync("/e/moved/f"));
        await Assert.ThrowsAsync<VfsException>(() => Fs.RenameAsync("/e", "/e/moved/inner", false, Ct).AsTask());

        await Fs.CreateDirectoryAsync("/full", Ct);
        await WriteAsync("/full/x", "x");
        Assert.Equal(VfsError.DirectoryNotEmpty, await ErrorOf(() => Fs.RenameAsync("/e", "/full", true, Ct).AsTask()));
        await Fs.CreateDirectoryAsync("/empty", Ct);
        await Fs.RenameAsync("/e", "/empty", true, Ct);
        Assert.Equal("content", await ReadAsync("/empty/moved/f"));
    }

    [Fact]
    public async Task Reads_And_Writes_At_Offsets()
    {
        await WriteAsync("/f", "0123456789");
        await using (var reader = await Fs.OpenReadAsync("/f", Ct))
        {
            var buffer = new byte[4];
            Assert.Equal(4, await reader.ReadAsync(3, buffer, Ct));
            Assert.Equal("3456", Encoding.UTF8.GetString(buffer));
            Assert.Equal(2, await reader.ReadAsync(8, buffer, Ct));
            Assert.Equal(0, await reader.ReadAsync(10, buffer, Ct));
            Assert.Equal(0, await reader.ReadAsync(1000, buffer, Ct));
            Assert.Equal(10, (await reader.GetInfoAsync(Ct)).Size);
        }

        Assert.SkipUnless(RandomAccess, "No random-access writes.");
        foreach (bool atomic in new[] { true, false })
        {
            await WriteAsync("/g", "0123456789");
            await using var writer = await Fs.OpenWriteAsync("/g", new VfsWriteOptions { Offset = 4, Atomic = atomic }, Ct);
            Assert.Equal(4, writer.Position);
            await writer.WriteAsync("ab"u8.ToArray(), Ct);
            Assert.Equal(6, writer.Position);
            var random = Assert.IsAssignableFrom<IVfsRandomAccessWriter>(writer);
            await random.WriteAtAsync(12, "Z"u8.ToArray(), Ct);
            var back = new byte[3];
            Assert.Equal(3, await random.ReadAtAsync(3, back, Ct));
            Assert.Equal("3ab", Encoding.UTF8.GetString(back));
            await writer.CompleteAsync(Ct);
            var content = await ReadAsync("/g");
            Assert.Equal("0123ab6789\0\0Z", content);
        }
    }

    [Fact]
    public async Task Appends_At_Current_Size()
    {
        await WriteAsync("/f", "hello");
        var size = (await Fs.GetInfoAsync("/f", true, Ct)).Size;
        await WriteAsync("/f", " world", new VfsWriteOptions { Offset = size });
        Assert.Equal("hello world", await ReadAsync("/f"));
        await WriteAsync("/f", "!", new VfsWriteOptions { Offset = 11, Atomic = !RandomAccess });
        Assert.Equal("hello world!", await ReadAsync("/f"));
    }

    [Fact]
    public async Task Truncate_Discards_Old_Content_And_CreateNew_Refuses_Existing()
    {
        Assert.SkipUnless(RandomAccess, "No in-place writes.");
        await WriteAsync("/f", "long old content");
        await WriteAsync("/f", "new", new VfsWriteOptions { Truncate = true, Atomic = false });
        Assert.Equal("new", await ReadAsync("/f"));
        await WriteAsync("/f", "N", new VfsWriteOptions { Truncate = false, Atomic = false });
        Assert.Equal("New", await ReadAsync("/f"));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => WriteAsync("/f", "x", new VfsWriteOptions { CreateNew = true })));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => WriteAsync("/f", "x", new VfsWriteOptions { CreateNew = true, Atomic = false })));
        await WriteAsync("/g", "fresh", new VfsWriteOptions { CreateNew = true });
        Assert.Equal("fresh", await ReadAsync("/g"));
    }

    [Fact]
    public async Task Atomic_Upload_Is_Invisible_Until_Complete()
    {
        await WriteAsync("/f", "old");
        await using (var writer = await Fs.OpenWriteAsync("/f", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await writer.WriteAsync("brand new"u8.ToArray(), Ct);
            await writer.FlushAsync(Ct);
            Assert.Equal("old", await ReadAsync("/f"));
            Assert.Equal(9, (await writer.GetInfoAsync(Ct)).Size);
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal("brand new", await ReadAsync("/f"));
        Assert.Equal(["f"], (await ListAsync("/")).Select(i => i.Name).ToArray());

        await using (var writer = await Fs.OpenWriteAsync("/new", new VfsWriteOptions(), Ct))
        {
            await writer.WriteAsync("x"u8.ToArray(), Ct);
            Assert.Equal(VfsError.NotFound, await ErrorOf(() => Fs.GetInfoAsync("/new", true, Ct).AsTask()));
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal("x", await ReadAsync("/new"));
    }

    [Fact]
    public async Task Atomic_Upload_Is_Discarded_On_Dispose()
    {
        await WriteAsync("/f", "old");
        await using (var writer = await Fs.OpenWriteAsync("/f", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await writer.WriteAsync("partial"u8.ToArray(), Ct);
        }
        await using (var writer = await Fs.OpenWriteAsync("/never", new VfsWriteOptions(), Ct))
        {
            await writer.WriteAsync("partial"u8.ToArray(), Ct);
        }
        Assert.Equal("old", await ReadAsync("/f"));
        Assert.Equal(["f"], (await ListAsync("/")).Select(i => i.Name).ToArray());
    }

    [Fact]
    public async Task In_Place_Upload_Is_Visible_While_Writing()
    {
        Assert.SkipUnless(RandomAccess, "No in-place writes.");
        await using var writer = await Fs.OpenWriteAsync("/f", new VfsWriteOptions { Atomic = false }, Ct);
        await writer.WriteAsync("abc"u8.ToArray(), Ct);
        await writer.FlushAsync(Ct);
        Assert.Equal("abc", await ReadAsync("/f"));
        await writer.CompleteAsync(Ct);
    }

    [Fact]
    public async Task Hard_Link_Shares_Content()
    {
        await WriteAsync("/a", "one");
        var links = CapabilityOrSkip<IVfsHardLinks>();
        await links.CreateHardLinkAsync("/a", "/b", Ct);
        Assert.Equal("one", await ReadAsync("/b"));
        Assert.Equal(2u, (await Fs.GetInfoAsync("/a", true, Ct)).LinkCount);
        await WriteAsync("/a", "two", new VfsWriteOptions { Truncate = true, Atomic = false });
        Assert.Equal("two", await ReadAsync("/b"));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => links.CreateHardLinkAsync("/a", "/b", Ct).AsTask()));
        await Fs.DeleteFileAsync("/a", Ct);
        Assert.Equal("two", await ReadAsync("/b"));
        Assert.Equal(1u, (await Fs.GetInfoAsync("/b", true, Ct)).LinkCount);
    }

    [Fact]
    public async Task Symbolic_Links_Are_Created_Read_And_Followed()
    {
        var links = CapabilityOrSkip<IVfsSymbolicLinks>();
        await Fs.CreateDirectoryAsync("/d", Ct);
        await WriteAsync("/d/target.txt", "via link");
        await links.CreateSymbolicLinkAsync("/abs", "/d/target.txt", Ct);
        await links.CreateSymbolicLinkAsync("/d/rel", "target.txt", Ct);
        await links.CreateSymbolicLinkAsync("/dirlink", "d", Ct);

        Assert.Equal("/d/target.txt", await links.ReadSymbolicLinkAsync("/abs", Ct));
        Assert.Equal("target.txt", await links.ReadSymbolicLinkAsync("/d/rel", Ct));
        Assert.Equal("via link", await ReadAsync("/abs"));
        Assert.Equal("via link", await ReadAsync("/d/rel"));
        Assert.Equal("via link", await ReadAsync("/dirlink/target.txt"));
        Assert.Equal(VfsFileType.SymbolicLink, (await Fs.GetInfoAsync("/abs", false, Ct)).Type);
        Assert.Equal(VfsFileType.File, (await Fs.GetInfoAsync("/abs", true, Ct)).Type);
        Assert.Contains(await ListAsync("/"), i => i.Name == "abs" && i.Type == VfsFileType.SymbolicLink);
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => links.CreateSymbolicLinkAsync("/abs", "/x", Ct).AsTask()));

        await links.CreateSymbolicLinkAsync("/dangling", "/missing", Ct);
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => ReadAsync("/dangling")));
        await Fs.DeleteFileAsync("/abs", Ct);
        Assert.Equal("via link", await ReadAsync("/d/target.txt"));
    }

    [Fact]
    public async Task Symbolic_Link_Loops_Fail()
    {
        var links = CapabilityOrSkip<IVfsSymbolicLinks>();
        await links.CreateSymbolicLinkAsync("/loop1", "/loop2", Ct);
        await links.CreateSymbolicLinkAsync("/loop2", "/loop1", Ct);
        await Assert.ThrowsAsync<VfsException>(() => ReadAsync("/loop1"));
    }

    [Fact]
    public async Task SetInfo_Applies_Times_Modes_And_Size()
    {
        Assert.SkipUnless(KeepsAttributes, "The storage keeps no attributes.");
        await WriteAsync("/f", "0123456789");
        var when = new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var access = new DateTimeOffset(2021, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await Fs.SetInfoAsync("/f", new VfsAttributeChange { Permissions = 0x1C0, Times = (access, when), Size = 4 }, true, Ct);
        var info = await Fs.GetInfoAsync("/f", true, Ct);
        Assert.Equal(0x1C0u, info.Permissions);
        Assert.Equal(when, info.LastWriteTime);
        Assert.Equal(access, info.LastAccessTime);
        Assert.Equal(4, info.Size);
        Assert.Equal("0123", await ReadAsync("/f"));

        await Fs.SetInfoAsync("/f", new VfsAttributeChange { Size = 6 }, true, Ct);
        Assert.Equal("0123\0\0", await ReadAsync("/f"));

        await Fs.CreateDirectoryAsync("/d", Ct);
        await Fs.SetInfoAsync("/d", new VfsAttributeChange { Permissions = 0x1E8 }, true, Ct);
        Assert.Equal(0x1E8u, (await Fs.GetInfoAsync("/d", true, Ct)).Permissions);
    }

    [Fact]
    public async Task New_Files_Get_Requested_Permissions()
    {
        Assert.SkipUnless(KeepsAttributes, "The storage keeps no attributes.");
        await WriteAsync("/f", "x", new VfsWriteOptions { Permissions = 0x180 });
        Assert.Equal(0x180u, (await Fs.GetInfoAsync("/f", true, Ct)).Permissions);
    }

    [Fact]
    public async Task Reports_Space()
    {
        var space = await CapabilityOrSkip<IVfsSpaceInfo>().GetSpaceAsync("/", Ct);
        Assert.True(space.BlockSize > 0);
        Assert.True(space.TotalBlocks > 0);
        Assert.InRange(space.FreeBlocks, 0, space.TotalBlocks);
        Assert.True(space.MaxNameLength > 0);
    }

    [Fact]
    public async Task Copies_Ranges_Server_Side()
    {
        var copy = CapabilityOrSkip<IVfsServerSideCopy>();
        await WriteAsync("/src", "0123456789");
        await copy.CopyAsync("/src", 0, 0, "/whole", 0, Ct);
        Assert.Equal("0123456789", await ReadAsync("/whole"));
        Assert.SkipUnless(RandomAccess, "Ranges need random-access writes.");
        await WriteAsync("/dst", "abcdefghij");
        await copy.CopyAsync("/src", 2, 3, "/dst", 5, Ct);
        Assert.Equal("abcde234ij", await ReadAsync("/dst"));
        await copy.CopyAsync("/src", 8, 0, "/dst", 9, Ct);
        Assert.Equal("abcde234i89", await ReadAsync("/dst"));
        await copy.CopyAsync("/src", 0, 0, "/dst", 0, Ct);
        Assert.Equal("0123456789\u0039", await ReadAsync("/dst"));
    }

    [Fact]
    public async Task Lists_Large_Directories_Completely()
    {
        await Fs.CreateDirectoryAsync("/many", Ct);
        for (int i = 0; i < 250; i++)
        {
            await WriteAsync($"/many/f{i:D3}", "x", new VfsWriteOptions { Atomic = false });
        }
        var names = (await ListAsync("/many")).Select(i => i.Name).ToHashSet();
        Assert.Equal(250, names.Count);
    }
}
