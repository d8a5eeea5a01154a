using System.Diagnostics;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// The operations of <c>LocalFileSystem</c> that act through a confined directory handle (fchmodat, utimensat,
/// fchownat, openat + ftruncate, symlinkat, readlinkat, linkat, fstatat, listing through the open directory) do what
/// their path-based forms did, on the real disk. The races they close are exercised by <c>HostilePathTests</c>.
/// </summary>
public sealed class LocalFileSystemAtCallTests : IDisposable
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _base = Path.Combine(Path.GetTempPath(), "sftpkit-at-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside;
    private readonly LocalFileSystem _fs;

    public LocalFileSystemAtCallTests()
    {
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_outside);
        _fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = Path.Combine(_base, "root") });
        Assert.True(UnixNative.HasDirectoryCalls, "these tests exercise the *at calls, which this platform lacks");
    }

    public void Dispose()
    {
        File.SetUnixFileMode(_fs.RootPath, (UnixFileMode)0x1ED); // a test changes the root's mode
        Directory.Delete(_base, recursive: true);
    }

    private string InRoot(string relative) => Path.Combine(_fs.RootPath, relative);

    private static UnixStat Stat(string path) => UnixNative.LStat(path, out int errno) ?? throw new IOException("lstat failed: " + errno);

    private async Task<List<VfsFileInfo>> List(string path)
    {
        var list = new List<VfsFileInfo>();
        await foreach (var info in _fs.ListAsync(path, Ct))
        {
            list.Add(info);
        }
        return list;
    }

    private static async Task<VfsError> ErrorOf(Func<Task> action) => (await Assert.ThrowsAsync<VfsException>(action)).Error;

    [Fact]
    public async Task Chmod_Changes_The_Mode_Of_Files_Directories_And_The_Root()
    {
        File.WriteAllText(InRoot("f"), "x");
        Directory.CreateDirectory(InRoot("d"));
        await _fs.SetInfoAsync("/f", new VfsAttributeChange { Permissions = 0x180 }, true, Ct); // 0600
        await _fs.SetInfoAsync("/d", new VfsAttributeChange { Permissions = 0x1C0 }, true, Ct); // 0700
        await _fs.SetInfoAsync("/", new VfsAttributeChange { Permissions = 0x1E8 }, true, Ct);  // 0750
        Assert.Equal(0x180u, Stat(InRoot("f")).Mode & 0xFFF);
        Assert.Equal(0x1C0u, Stat(InRoot("d")).Mode & 0xFFF);
        Assert.Equal(0x1E8u, Stat(_fs.RootPath).Mode & 0xFFF);
        Assert.Equal(0x1E8u, (await _fs.GetInfoAsync("/", true, Ct)).Permissions);
    }

    [Fact]
    public async Task Chmod_And_Utimes_On_A_Link_Itself_Leave_Its_Target_Alone()
    {
        File.WriteAllText(InRoot("target"), "x");
        File.SetUnixFileMode(InRoot("target"), (UnixFileMode)0x1A4); // 0644
        var written = new DateTime(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(InRoot("target"), written);
        File.CreateSymbolicLink(InRoot("link"), "target");
        var change = new VfsAttributeChange
        {
            Permissions = 0x1FF,
            Times = (new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero), new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero)),
        };
        await _fs.SetInfoAsync("/link", change, followLinks: false, Ct);
        Assert.Equal(0x1A4u, Stat(InRoot("target")).Mode & 0xFFF);
        Assert.Equal(written, Stat(InRoot("target")).WriteTime.UtcDateTime);
        // Following the link reaches the target.
        await _fs.SetInfoAsync("/link", change, followLinks: true, Ct);
        Assert.Equal(0x1FFu, Stat(InRoot("target")).Mode & 0xFFF);
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), Stat(InRoot("target")).WriteTime.UtcDateTime);
    }

    [Fact]
    public void Native_Chmod_At_Refuses_A_Link_And_Changes_A_File()
    {
        File.WriteAllText(InRoot("target"), "x");
        File.SetUnixFileMode(InRoot("target"), (UnixFileMode)0x1A4);
        File.CreateSymbolicLink(InRoot("link"), "target");
        using var root = UnixNative.OpenDirectory(_fs.RootPath, out int errno) ?? throw new IOException("open failed: " + errno);
        Assert.Equal(UnixErrno.EOPNOTSUPP, UnixNative.ChangeModeAt(root, "link", 0x1FF));
        Assert.Equal(0x1A4u, Stat(InRoot("target")).Mode & 0xFFF);
        Assert.Equal(0, UnixNative.ChangeModeAt(root, "target", 0x100));
        Assert.Equal(0x100u, Stat(InRoot("target")).Mode & 0xFFF);
        Assert.Equal(UnixErrno.ENOENT, UnixNative.ChangeModeAt(root, "missing", 0x100));
        Assert.Equal(VfsFileType.SymbolicLink, UnixNative.StatAt(root, "link", out _)?.Type);
        Assert.Equal("target", UnixNative.ReadLinkAt(root, "link", out _));
        Assert.Null(UnixNative.ReadLinkAt(root, "target", out int notLink));
        Assert.Equal(UnixErrno.EINVAL, notLink);
    }

    [Fact]
    public async Task Utimes_Sets_Both_Times_With_Subsecond_Precision()
    {
        File.WriteAllText(InRoot("f"), "x");
        var access = new DateTimeOffset(2003, 4, 5, 6, 7, 8, 250, TimeSpan.Zero);
        var write = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 500, TimeSpan.Zero);
        await _fs.SetInfoAsync("/f", new VfsAttributeChange { Times = (access, write) }, true, Ct);
        var stat = Stat(InRoot("f"));
        Assert.Equal(access, stat.AccessTime);
        Assert.Equal(write, stat.WriteTime);
        var info = await _fs.GetInfoAsync("/f", true, Ct);
        Assert.Equal(write, info.LastWriteTime);
    }

    [Fact]
    public async Task Truncate_Shrinks_And_Extends_Files_And_Refuses_Directories_And_Fifos()
    {
        File.WriteAllText(InRoot("f"), "hello world");
        await _fs.SetInfoAsync("/f", new VfsAttributeChange { Size = 5 }, true, Ct);
        Assert.Equal("hello", File.ReadAllText(InRoot("f")));
        await _fs.SetInfoAsync("/f", new VfsAttributeChange { Size = 8 }, true, Ct);
        Assert.Equal("hello\0\0\0", File.ReadAllText(InRoot("f")));
        Directory.CreateDirectory(InRoot("d"));
        Assert.Equal(VfsError.IsADirectory, await ErrorOf(() => _fs.SetInfoAsync("/d", new VfsAttributeChange { Size = 0 }, true, Ct).AsTask()));
        // A FIFO nobody reads: opened non-blocking, so the request fails instead of hanging the session.
        using (var mkfifo = Process.Start("mkfifo", InRoot("fifo")))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var truncateFifo = Task.Run(() => _fs.SetInfoAsync("/fifo", new VfsAttributeChange { Size = 0 }, true, Ct).AsTask());
        var ex = await Assert.ThrowsAsync<VfsException>(() => truncateFifo.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(VfsError.Failure, ex.Error);
    }

    [Fact]
    public async Task Chown_Acts_On_The_Link_Itself_Without_Following()
    {
        File.WriteAllText(InRoot("target"), "x");
        File.CreateSymbolicLink(InRoot("link"), "target");
        var before = Stat(InRoot("target"));
        if (!UnixNative.IsRoot)
        {
            // Only root can give files away; one's own ids are accepted.
            await _fs.SetInfoAsync("/link", new VfsAttributeChange { Owner = (before.Uid, before.Gid) }, false, Ct);
            Assert.Equal(VfsError.PermissionDenied,
                await ErrorOf(() => _fs.SetInfoAsync("/target", new VfsAttributeChange { Owner = (0, 0) }, true, Ct).AsTask()));
            return;
        }
        await _fs.SetInfoAsync("/link", new VfsAttributeChange { Owner = (4242, 4343) }, followLinks: false, Ct);
        Assert.Equal((4242u, 4343u), (Stat(InRoot("link")).Uid, Stat(InRoot("link")).Gid));
        Assert.Equal((before.Uid, before.Gid), (Stat(InRoot("target")).Uid, Stat(InRoot("target")).Gid));
        await _fs.SetInfoAsync("/link", new VfsAttributeChange { Owner = (4444, 4545) }, followLinks: true, Ct);
        Assert.Equal((4444u, 4545u), (Stat(InRoot("target")).Uid, Stat(InRoot("target")).Gid));
    }

    [Fact]
    public async Task Configured_Owner_Is_Applied_Through_Handles_To_Every_New_Entry()
    {
        if (!UnixNative.IsRoot)
        {
            return; // giving entries to another owner needs root
        }
        var fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _fs.RootPath, Uid = 4242, Gid = 4343 });
        foreach (var (name, atomic) in new[] { ("atomic", true), ("direct", false) })
        {
            await using var writer = await fs.OpenWriteAsync("/" + name, new VfsWriteOptions { Atomic = atomic }, Ct);
            await writer.CompleteAsync(Ct);
        }
        await fs.CreateDirectoryAsync("/dir", Ct);
        await fs.CreateSymbolicLinkAsync("/sym", "/atomic", Ct);
        foreach (var name in new[] { "atomic", "direct", "dir", "sym" })
        {
            var stat = Stat(InRoot(name));
            Assert.True((stat.Uid, stat.Gid) == (4242u, 4343u), name);
        }
    }

    [Fact]
    public async Task Symlink_And_Readlink_Through_The_Parent_Handle()
    {
        Directory.CreateDirectory(InRoot("x"));
        File.WriteAllText(InRoot("file"), "x");
        await _fs.CreateSymbolicLinkAsync("/x/abs", "/file", Ct);
        await _fs.CreateSymbolicLinkAsync("/x/rel", "../file", Ct);
        Assert.Equal("./../file", new FileInfo(InRoot("x/abs")).LinkTarget); // stored relative, resolved inside the root
        Assert.Equal("/file", await _fs.ReadSymbolicLinkAsync("/x/abs", Ct));
        Assert.Equal("../file", await _fs.ReadSymbolicLinkAsync("/x/rel", Ct));
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => _fs.CreateSymbolicLinkAsync("/x/abs", "/other", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => _fs.CreateSymbolicLinkAsync("/missing/l", "/file", Ct).AsTask()));
        Assert.Equal(VfsError.Failure, await ErrorOf(() => _fs.ReadSymbolicLinkAsync("/file", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => _fs.ReadSymbolicLinkAsync("/x/missing", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => _fs.ReadSymbolicLinkAsync("/", Ct).AsTask()));
    }

    [Fact]
    public async Task Hard_Link_Through_Both_Parent_Handles()
    {
        Directory.CreateDirectory(InRoot("a"));
        Directory.CreateDirectory(InRoot("b"));
        File.WriteAllText(InRoot("a/f"), "content");
        File.CreateSymbolicLink(InRoot("a/l"), "f");
        await _fs.CreateHardLinkAsync("/a/f", "/b/g", Ct);
        Assert.Equal("content", File.ReadAllText(InRoot("b/g")));
        Assert.Equal(2u, (await _fs.GetInfoAsync("/a/f", false, Ct)).LinkCount);
        await _fs.CreateHardLinkAsync("/a/l", "/b/l2", Ct); // the link itself, not its target
        Assert.Equal(VfsFileType.SymbolicLink, (await _fs.GetInfoAsync("/b/l2", false, Ct)).Type);
        Assert.Equal(VfsError.AlreadyExists, await ErrorOf(() => _fs.CreateHardLinkAsync("/a/f", "/b/g", Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => _fs.CreateHardLinkAsync("/a/missing", "/b/h", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => _fs.CreateHardLinkAsync("/a", "/b/dir", Ct).AsTask()));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => _fs.CreateHardLinkAsync("/", "/b/root", Ct).AsTask()));
    }

    [Fact]
    public async Task Stat_Through_The_Parent_Handle()
    {
        File.WriteAllText(InRoot("f"), "12345");
        File.CreateSymbolicLink(InRoot("l"), "f");
        Assert.Equal(5, (await _fs.GetInfoAsync("/f", true, Ct)).Size);
        Assert.Equal(VfsFileType.SymbolicLink, (await _fs.GetInfoAsync("/l", false, Ct)).Type);
        Assert.Equal(VfsFileType.File, (await _fs.GetInfoAsync("/l", true, Ct)).Type);
        Assert.Equal(VfsFileType.Directory, (await _fs.GetInfoAsync("/", true, Ct)).Type);
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => _fs.GetInfoAsync("/missing", true, Ct).AsTask()));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => _fs.GetInfoAsync("/missing/x", true, Ct).AsTask()));
        Assert.Null(await ((IVfsInfoProbe)_fs).TryGetInfoAsync("/missing", true, Ct));
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => _fs.GetInfoAsync("/f/x", true, Ct).AsTask()));
    }

    [Fact]
    public async Task Listing_Shows_Hidden_Entries_Hides_Upload_Temporaries_And_Maps_Errors()
    {
        Directory.CreateDirectory(InRoot("d"));
        File.WriteAllText(InRoot("d/.hidden"), "h");
        File.WriteAllText(InRoot("d/visible"), "vv");
        File.WriteAllText(InRoot("d/" + LocalFileSystem.TempPrefix + "x" + LocalFileSystem.TempSuffix), "t");
        Directory.CreateDirectory(InRoot("d/sub"));
        File.CreateSymbolicLink(InRoot("d/link"), _outside); // listed as a link, never followed
        var listed = (await List("/d")).ToDictionary(e => e.Name);
        Assert.Equal([".hidden", "link", "sub", "visible"], listed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, listed["visible"].Size);
        Assert.Equal(VfsFileType.Directory, listed["sub"].Type);
        Assert.Equal(VfsFileType.SymbolicLink, listed["link"].Type);
        Assert.Equal(VfsError.NotADirectory, await ErrorOf(() => List("/d/visible")));
        Assert.Equal(VfsError.NotFound, await ErrorOf(() => List("/missing")));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => List("/d/link")));
        Assert.Contains(await List("/"), e => e.Name == "d");
    }

    [Fact]
    public async Task Listing_Started_Before_A_Swap_Keeps_Describing_The_Directory_It_Opened()
    {
        // Same names inside and outside, with different sizes: a listing that stats by path would report the outside
        // sizes once the directory is swapped for a link.
        Directory.CreateDirectory(InRoot("d"));
        for (int i = 0; i < 50; i++)
        {
            File.WriteAllText(InRoot($"d/f{i:D2}"), "i");
            File.WriteAllText(Path.Combine(_outside, $"f{i:D2}"), "outside, larger");
        }
        var seen = new List<VfsFileInfo>();
        await using (var listing = _fs.ListAsync("/d", Ct).GetAsyncEnumerator(Ct))
        {
            Assert.True(await listing.MoveNextAsync());
            seen.Add(listing.Current);
            Directory.Move(InRoot("d"), InRoot("d-moved"));
            Directory.CreateSymbolicLink(InRoot("d"), _outside);
            while (await listing.MoveNextAsync())
            {
                seen.Add(listing.Current);
            }
        }
        Assert.Equal(50, seen.Count);
        Assert.All(seen, e => Assert.Equal(1, e.Size));
        Assert.Equal(VfsError.PermissionDenied, await ErrorOf(() => List("/d")));
    }

    [Fact]
    public async Task Stat_In_A_Search_Only_Directory_Needs_No_Read_Permission()
    {
        Directory.CreateDirectory(InRoot("x"));
        File.WriteAllText(InRoot("x/f"), "abc");
        File.SetUnixFileMode(InRoot("x"), UnixFileMode.UserExecute); // 0100: search, no read
        try
        {
            Assert.Equal(3, (await _fs.GetInfoAsync("/x/f", true, Ct)).Size);
            await _fs.SetInfoAsync("/x/f", new VfsAttributeChange { Permissions = 0x180 }, true, Ct);
            Assert.Equal(0x180u, Stat(InRoot("x/f")).Mode & 0xFFF);
        }
        finally
        {
            File.SetUnixFileMode(InRoot("x"), (UnixFileMode)0x1ED);
        }
    }

    [Fact]
    public void Native_Calls_Report_Errno_For_A_Missing_Name()
    {
        using SafeFileHandle root = UnixNative.OpenDirectory(_fs.RootPath, out _)!;
        Assert.Null(UnixNative.StatAt(root, "missing", out int statErrno));
        Assert.Equal(UnixErrno.ENOENT, statErrno);
        Assert.Equal(UnixErrno.ENOENT, UnixNative.SetTimesAt(root, "missing", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        Assert.Equal(UnixErrno.ENOENT, UnixNative.ChownAt(root, "missing", uint.MaxValue, uint.MaxValue));
        Assert.Null(UnixNative.OpenForWriteAt(root, "missing", out int openErrno));
        Assert.Equal(UnixErrno.ENOENT, openErrno);
        Assert.Equal(UnixErrno.ENOENT, UnixNative.LinkAt(root, "missing", root, "new"));
        Assert.Equal(0, UnixNative.SymbolicLinkAt("missing", root, "dangling"));
        Assert.Equal("missing", UnixNative.ReadLinkAt(root, "dangling", out _));
        Assert.Equal(UnixErrno.EEXIST, UnixNative.SymbolicLinkAt("other", root, "dangling"));
        Assert.Equal(Encoding.UTF8.GetBytes("missing").Length, UnixNative.StatAt(root, "dangling", out _)?.Size);
    }
}
