using System.Text;
using SftpKit.FileSystem;
using SftpKit.Tests.Sftp;

namespace SftpKit.Tests.FileSystem;

/// <summary>Mount points, nesting, protection, cross-mount moves and confinement of <see cref="MountedFileSystem"/>.</summary>
public sealed class MountedFileSystemTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private readonly string _disk = Path.Combine(Path.GetTempPath(), "sftpkit-mounts-" + Guid.NewGuid().ToString("N")[..12]);

    public MountedFileSystemTests()
    {
        Directory.CreateDirectory(Path.Combine(_disk, "shared"));
    }

    public void Dispose() => Directory.Delete(_disk, recursive: true);

    private string SharedDir => Path.Combine(_disk, "shared");

    private LocalFileSystem Local() => new(new LocalFileSystemOptions { RootPath = SharedDir });

    private static async Task<List<VfsFileInfo>> ListAsync(MountedFileSystem fs, string path)
    {
        var list = new List<VfsFileInfo>();
        await foreach (var info in fs.ListAsync(path, Ct))
        {
            list.Add(info);
        }
        return list;
    }

    private static async Task<string[]> NamesAsync(MountedFileSystem fs, string path)
        => [.. (await ListAsync(fs, path)).Select(i => i.Name).Order(StringComparer.Ordinal)];

    private static async Task WriteAsync(MountedFileSystem fs, string path, string content)
    {
        await using var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true }, Ct);
        await writer.WriteAsync(Encoding.UTF8.GetBytes(content), Ct);
        await writer.CompleteAsync(Ct);
    }

    private static async Task<string> ReadAsync(MountedFileSystem fs, string path)
    {
        await using var reader = await fs.OpenReadAsync(path, Ct);
        var buffer = new byte[64 * 1024];
        int n = await reader.ReadAsync(0, buffer, Ct);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static async Task<VfsError> ErrorOf(Func<Task> action) => (await Assert.ThrowsAsync<VfsException>(action)).Error;

    [Fact]
    public async Task MountPoint_IsListedAsDirectory_ShadowingSameNamedEntry()
    {
        var root = new InMemoryFileSystem();
        root.AddFile("/shared", "a root file under the mount point's name"u8);
        root.AddFile("/docs/readme", "r"u8);
        var mounted = new InMemoryFileSystem();
        mounted.AddFile("/a", "inside"u8);
        var fs = new MountedFileSystem(root, new VfsMount("/shared", mounted));

        var listing = await ListAsync(fs, "/");
        Assert.Equal(["docs", "shared"], listing.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(VfsFileType.Directory, listing.Single(i => i.Name == "shared").Type);
        var stat = await fs.GetInfoAsync("/shared", false, Ct);
        Assert.Equal(VfsFileType.Directory, stat.Type);
        Assert.Equal("shared", stat.Name);
        Assert.Equal(["a"], await NamesAsync(fs, "/shared"));
        Assert.Equal("inside", await ReadAsync(fs, "/shared/a"));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => fs.OpenReadAsync("/shared", Ct).AsTask()));
    }

    [Fact]
    public async Task Paths_Inside_A_Mount_Are_Relative_To_It()
    {
        var root = new InMemoryFileSystem();
        var mounted = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/shared/", mounted));
        Assert.Equal("/shared", fs.Mounts[0].VirtualPath);

        await fs.CreateDirectoryAsync("/shared/dir", Ct);
        await WriteAsync(fs, "/shared/dir/f", "x");
        await WriteAsync(fs, "/sharedX", "not in the mount");
        Assert.Equal("x"u8.ToArray(), mounted.ReadAllBytes("/dir/f"));
        Assert.False(root.Exists("/shared/dir/f"));
        Assert.True(root.Exists("/sharedX"));
        Assert.False(mounted.Exists("/sharedX"));
    }

    [Fact]
    public async Task Intermediate_Directories_Of_A_Deep_MountPoint_Are_Virtual()
    {
        var root = new InMemoryFileSystem();
        var deep = new InMemoryFileSystem();
        deep.AddFile("/leaf", "L"u8);
        var fs = new MountedFileSystem(root, new VfsMount("/a/b/c", deep));

        Assert.Equal(VfsFileType.Directory, (await fs.GetInfoAsync("/a", true, Ct)).Type);
        Assert.Equal(VfsFileType.Directory, (await fs.GetInfoAsync("/a/b", true, Ct)).Type);
        Assert.Equal(["a"], await NamesAsync(fs, "/"));
        Assert.Equal(["b"], await NamesAsync(fs, "/a"));
        Assert.Equal(["c"], await NamesAsync(fs, "/a/b"));
        Assert.Equal("L", await ReadAsync(fs, "/a/b/c/leaf"));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => fs.GetInfoAsync("/a/other", true, Ct).AsTask()));
        // Nothing backs /a in the root file system, so nothing can be created there.
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => WriteAsync(fs, "/a/new", "x")));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.CreateDirectoryAsync("/a/newdir", Ct).AsTask()));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => fs.CreateDirectoryAsync("/a", Ct).AsTask()));

        // Once the root file system has /a, its entries and the mount's parent show side by side.
        await root.CreateDirectoryAsync("/a", Ct);
        await WriteAsync(fs, "/a/real", "R");
        Assert.Equal(["b", "real"], await NamesAsync(fs, "/a"));
        Assert.Equal("R", await ReadAsync(fs, "/a/real"));
    }

    [Fact]
    public async Task Nested_Mounts_Longest_Prefix_Wins()
    {
        var root = new InMemoryFileSystem();
        var outer = new InMemoryFileSystem();
        var inner = new InMemoryFileSystem();
        outer.AddFile("/n", "outer's own n, shadowed"u8);
        var fs = new MountedFileSystem(root, new VfsMount("/m", outer), new VfsMount("/m/n", inner));

        await WriteAsync(fs, "/m/n/x", "to inner");
        await WriteAsync(fs, "/m/y", "to outer");
        Assert.Equal("to inner"u8.ToArray(), inner.ReadAllBytes("/x"));
        Assert.Equal("to outer"u8.ToArray(), outer.ReadAllBytes("/y"));
        Assert.Equal(["n", "y"], await NamesAsync(fs, "/m"));
        Assert.Equal(VfsFileType.Directory, (await ListAsync(fs, "/m")).Single(i => i.Name == "n").Type);
        Assert.Equal(["x"], await NamesAsync(fs, "/m/n"));

        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.DeleteDirectoryAsync("/m/n", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.DeleteDirectoryAsync("/m", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.RenameAsync("/m", "/elsewhere", false, Ct).AsTask()));
        // Moving between the nested mounts is a cross-mount move.
        await fs.RenameAsync("/m/n/x", "/m/x", false, Ct);
        Assert.Equal("to inner"u8.ToArray(), outer.ReadAllBytes("/x"));
        Assert.False(inner.Exists("/x"));
    }

    [Fact]
    public async Task MountPoints_Cannot_Be_Removed_Renamed_Or_Replaced()
    {
        var root = new InMemoryFileSystem();
        root.AddFile("/file", "f"u8);
        var mounted = new InMemoryFileSystem();
        mounted.AddFile("/keep", "k"u8);
        var fs = new MountedFileSystem(root, new VfsMount("/shared", mounted), new VfsMount("/deep/er", new InMemoryFileSystem()));

        foreach (string pinned in new[] { "/shared", "/deep", "/deep/er" })
        {
            Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.DeleteDirectoryAsync(pinned, Ct).AsTask()));
            Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.DeleteFileAsync(pinned, Ct).AsTask()));
            Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.RenameAsync(pinned, "/moved", true, Ct).AsTask()));
            Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => fs.RenameAsync("/file", pinned, true, Ct).AsTask()));
            Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => WriteAsync(fs, pinned, "x")));
        }
        Assert.Equal("k", await ReadAsync(fs, "/shared/keep"));
        Assert.Equal("f", await ReadAsync(fs, "/file"));
        Assert.False(root.Exists("/moved"));
    }

    [Fact]
    public async Task Rename_Across_Mounts_Moves_A_File_With_Mode_And_Time()
    {
        var root = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/shared", Local()));
        var when = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
        string content = new('z', 300_000); // more than one copy buffer
        await WriteAsync(fs, "/f", content);
        await fs.SetInfoAsync("/f", new VfsAttributeChange { Permissions = 0x180, Times = (when, when) }, true, Ct);

        await fs.RenameAsync("/f", "/shared/g", false, Ct);
        Assert.Equal(content, await File.ReadAllTextAsync(Path.Combine(SharedDir, "g")));
        Assert.False(root.Exists("/f"));
        var info = await fs.GetInfoAsync("/shared/g", true, Ct);
        Assert.Equal(0x180u, info.Permissions);
        Assert.Equal(when, info.LastWriteTime);

        await WriteAsync(fs, "/h", "new");
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => fs.RenameAsync("/h", "/shared/g", false, Ct).AsTask()));
        Assert.Equal(content, await File.ReadAllTextAsync(Path.Combine(SharedDir, "g")));
        Assert.True(root.Exists("/h"));
        await fs.RenameAsync("/h", "/shared/g", true, Ct);
        Assert.Equal("new", await File.ReadAllTextAsync(Path.Combine(SharedDir, "g")));
        Assert.False(root.Exists("/h"));

        // And back.
        await fs.RenameAsync("/shared/g", "/back", false, Ct);
        Assert.Equal("new"u8.ToArray(), root.ReadAllBytes("/back"));
        Assert.False(File.Exists(Path.Combine(SharedDir, "g")));
    }

    [Fact]
    public async Task Rename_Across_Mounts_Moves_A_Directory_Tree_Both_Ways()
    {
        var root = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/shared", Local()));
        root.AddFile("/d/a", "A"u8);
        root.AddFile("/d/sub/b", "B"u8);
        root.AddFile("/d/sub/deeper/c", "C"u8);
        await root.CreateDirectoryAsync("/d/empty", Ct);
        await root.CreateSymbolicLinkAsync("/d/rel", "sub/b", Ct);
        await root.CreateSymbolicLinkAsync("/d/abs", "/shared/d/a", Ct);

        await fs.RenameAsync("/d", "/shared/d", false, Ct);
        Assert.False(root.Exists("/d"));
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(SharedDir, "d/a")));
        Assert.Equal("B", await File.ReadAllTextAsync(Path.Combine(SharedDir, "d/sub/b")));
        Assert.Equal("C", await File.ReadAllTextAsync(Path.Combine(SharedDir, "d/sub/deeper/c")));
        Assert.True(Directory.Exists(Path.Combine(SharedDir, "d/empty")));
        Assert.Equal("sub/b", await fs.ReadSymbolicLinkAsync("/shared/d/rel", Ct));
        Assert.Equal("B", await ReadAsync(fs, "/shared/d/rel"));
        // An absolute link naming a path of the target mount keeps naming it, now from inside the mount.
        Assert.Equal("/shared/d/a", await fs.ReadSymbolicLinkAsync("/shared/d/abs", Ct));
        Assert.Equal("A", await ReadAsync(fs, "/shared/d/abs"));

        // Moving back, that link would name a path of the mount from outside it: refused, and nothing changes.
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.RenameAsync("/shared/d", "/again", false, Ct).AsTask()));
        Assert.False(root.Exists("/again"));
        Assert.Equal("C", await File.ReadAllTextAsync(Path.Combine(SharedDir, "d/sub/deeper/c")));
        await fs.DeleteFileAsync("/shared/d/abs", Ct);

        await fs.RenameAsync("/shared/d", "/again", false, Ct);
        Assert.False(Directory.Exists(Path.Combine(SharedDir, "d")));
        Assert.Equal("C"u8.ToArray(), root.ReadAllBytes("/again/sub/deeper/c"));
        Assert.Equal("B"u8.ToArray(), root.ReadAllBytes("/again/rel"));
        Assert.Equal(["a", "empty", "rel", "sub"], await NamesAsync(fs, "/again"));
    }

    [Fact]
    public async Task Rename_Across_Mounts_Into_Existing_Directory_Needs_Overwrite_And_Empty_Target()
    {
        var root = new InMemoryFileSystem();
        var mounted = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/m", mounted));
        root.AddFile("/d/x", "x"u8);
        mounted.AddFile("/full/y", "y"u8);
        await mounted.CreateDirectoryAsync("/empty", Ct);
        mounted.AddFile("/file", "f"u8);

        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => fs.RenameAsync("/d", "/m/empty", false, Ct).AsTask()));
        Assert.Equal(VfsError.DirectoryNotEmpty, await ErrorOf(() => fs.RenameAsync("/d", "/m/full", true, Ct).AsTask()));
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => fs.RenameAsync("/d", "/m/file", true, Ct).AsTask()));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => fs.RenameAsync("/d/x", "/m/empty", true, Ct).AsTask()));
        await fs.RenameAsync("/d", "/m/empty", true, Ct);
        Assert.Equal("x"u8.ToArray(), mounted.ReadAllBytes("/empty/x"));
        Assert.False(root.Exists("/d"));
    }

    [Fact]
    public async Task Rename_Across_Mounts_Refuses_Trees_Over_The_Entry_Limit_Before_Copying()
    {
        var root = new InMemoryFileSystem();
        var mounted = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, [new VfsMount("/m", mounted)], new MountedFileSystemOptions { MaxCrossMountEntries = 3 });
        root.AddFile("/three/a", "a"u8);
        root.AddFile("/three/b", "b"u8);
        root.AddFile("/four/a", "a"u8);
        root.AddFile("/four/sub/b", "b"u8);

        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.RenameAsync("/four", "/m/four", false, Ct).AsTask()));
        Assert.False(mounted.Exists("/four"));
        Assert.True(root.Exists("/four/sub/b"));

        await fs.RenameAsync("/three", "/m/three", false, Ct); // exactly at the limit: the directory and two files
        Assert.Equal("b"u8.ToArray(), mounted.ReadAllBytes("/three/b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MountedFileSystem(root, [], new MountedFileSystemOptions { MaxCrossMountEntries = 0 }));
    }

    [Fact]
    public async Task Failed_Cross_Mount_Move_Removes_The_Partial_Copy_And_Keeps_The_Source()
    {
        var root = new InMemoryFileSystem();
        var small = new InMemoryFileSystem(capacityBytes: 10);
        var fs = new MountedFileSystem(root, new VfsMount("/small", small));
        root.AddFile("/d/1", "12345678"u8);
        root.AddFile("/d/2", "12345678"u8);

        Assert.Equal(VfsError.NoSpace, await ErrorOf(() => fs.RenameAsync("/d", "/small/d", false, Ct).AsTask()));
        Assert.False(small.Exists("/d"));
        Assert.Equal(0, small.UsedBytes);
        Assert.Equal("12345678"u8.ToArray(), root.ReadAllBytes("/d/1"));
        Assert.Equal("12345678"u8.ToArray(), root.ReadAllBytes("/d/2"));
    }

    [Fact]
    public async Task Hostile_Paths_Never_Leave_Their_Mount()
    {
        var root = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/shared", Local()));
        await File.WriteAllTextAsync(Path.Combine(_disk, "outside.txt"), "secret");

        // Climbing out of a mount lands in the root file system's namespace, never beside the mounted directory.
        await WriteAsync(fs, "/shared/../outside.txt", "root's");
        await WriteAsync(fs, "/shared/a/../../../../x", "root's x");
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_disk, "outside.txt")));
        Assert.Equal("root's"u8.ToArray(), root.ReadAllBytes("/outside.txt"));
        Assert.True(root.Exists("/x"));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => fs.OpenReadAsync("/shared/../../etc/passwd", Ct).AsTask()));
        Assert.Equal(VfsError.InvalidPath, await ErrorOf(() => fs.GetInfoAsync("/shared/\u0001", true, Ct).AsTask()));
        Assert.Empty(Directory.GetFileSystemEntries(SharedDir));

        // Links may not point across the mount boundary, however the target is spelt.
        await WriteAsync(fs, "/shared/t", "t");
        foreach (string target in new[] { "../outside.txt", "../../etc/passwd", "/outside.txt", "/etc/passwd", "../shared/t", "/" })
        {
            Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateSymbolicLinkAsync("/shared/l", target, Ct).AsTask()));
        }
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateSymbolicLinkAsync("/l", "/shared/t", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateHardLinkAsync("/outside.txt", "/shared/h", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateHardLinkAsync("/shared/t", "/h", Ct).AsTask()));
        Assert.Equal(["t"], Directory.GetFileSystemEntries(SharedDir).Select(Path.GetFileName));

        // Inside one mount, links work and read back as virtual paths.
        await fs.CreateSymbolicLinkAsync("/shared/abs", "/shared/t", Ct);
        await fs.CreateSymbolicLinkAsync("/shared/rel", "t", Ct);
        await fs.CreateHardLinkAsync("/shared/t", "/shared/hard", Ct);
        Assert.Equal("/shared/t", await fs.ReadSymbolicLinkAsync("/shared/abs", Ct));
        Assert.Equal("t", await fs.ReadSymbolicLinkAsync("/shared/rel", Ct));
        Assert.Equal("t", await ReadAsync(fs, "/shared/abs"));
        Assert.Equal("t", await ReadAsync(fs, "/shared/hard"));
    }

    [Fact]
    public async Task Missing_Capabilities_Are_Unsupported_And_Writers_Decide_Random_Access()
    {
        var root = new InMemoryFileSystem();
        var objectStore = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/s3", new SequentialOnlyFileSystem(objectStore)));
        objectStore.AddFile("/obj", "o"u8);

        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateSymbolicLinkAsync("/s3/l", "obj", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.ReadSymbolicLinkAsync("/s3/obj", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.CreateHardLinkAsync("/s3/obj", "/s3/h", Ct).AsTask()));
        Assert.Equal(VfsError.Unsupported, await ErrorOf(() => fs.GetSpaceAsync("/s3", Ct).AsTask()));
        Assert.True((await fs.GetSpaceAsync("/", Ct)).TotalBlocks > 0);

        await using (var sequential = await fs.OpenWriteAsync("/s3/new", new VfsWriteOptions(), Ct))
        {
            Assert.IsNotAssignableFrom<IVfsRandomAccessWriter>(sequential);
        }
        await using (var random = await fs.OpenWriteAsync("/new", new VfsWriteOptions(), Ct))
        {
            Assert.IsAssignableFrom<IVfsRandomAccessWriter>(random);
        }
        Assert.IsNotAssignableFrom<IVfsRandomAccessWrites>(fs);
    }

    [Fact]
    public async Task CopyData_Delegates_Within_A_Mount_And_Streams_Across()
    {
        var root = new InMemoryFileSystem();
        var objectStore = new InMemoryFileSystem();
        var mounted = new InMemoryFileSystem();
        var fs = new MountedFileSystem(root, new VfsMount("/m", mounted), new VfsMount("/s3", new SequentialOnlyFileSystem(objectStore)));
        mounted.AddFile("/src", "0123456789"u8);
        mounted.AddFile("/dst", "abcdefghij"u8);
        objectStore.AddFile("/src", "0123456789"u8);

        await fs.CopyAsync("/m/src", 2, 3, "/m/dst", 5, Ct); // InMemoryFileSystem's own copy
        Assert.Equal("abcde234ij"u8.ToArray(), mounted.ReadAllBytes("/dst"));
        await fs.CopyAsync("/s3/src", 0, 0, "/s3/copy", 0, Ct); // no server-side copy: streamed
        Assert.Equal("0123456789"u8.ToArray(), objectStore.ReadAllBytes("/copy"));
        await fs.CopyAsync("/m/src", 8, 0, "/root-copy", 0, Ct); // across mounts
        Assert.Equal("89"u8.ToArray(), root.ReadAllBytes("/root-copy"));
    }

    [Fact]
    public void Rejects_Bad_Mount_Tables()
    {
        var root = new InMemoryFileSystem();
        Assert.Throws<ArgumentException>(() => new MountedFileSystem(root, new VfsMount("/", new InMemoryFileSystem())));
        Assert.Throws<ArgumentException>(() => new MountedFileSystem(root, new VfsMount("relative", new InMemoryFileSystem())));
        Assert.Throws<ArgumentException>(() => new MountedFileSystem(root, new VfsMount("/a", root), new VfsMount("/a/./", root)));
        Assert.ThrowsAny<ArgumentException>(() => new MountedFileSystem(root, new VfsMount("/a", null!)));
    }
}
