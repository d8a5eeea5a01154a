using System.Diagnostics;
using System.Text;
using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// Links made behind the server's back (as another local process would) must never let a client read or write
/// outside the root. Each test keeps a secret file outside the root and checks it is never returned or changed.
/// </summary>
public sealed class LocalFileSystemConfinementTests : IDisposable
{
    private const string Secret = "TOP-SECRET-OUTSIDE";
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _base = Path.Combine(Path.GetTempPath(), "sftpkit-conf-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;
    private readonly string _outside;
    private readonly string _secretFile;
    private readonly LocalFileSystem _fs;

    public LocalFileSystemConfinementTests()
    {
        _root = Path.Combine(_base, "a", "b", "root");
        _outside = Path.Combine(_base, "outside");
        Directory.CreateDirectory(_outside);
        _secretFile = Path.Combine(_outside, "secret.txt");
        File.WriteAllText(_secretFile, Secret);
        _fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root });
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private string InRoot(string relative) => Path.Combine(_fs.RootPath, relative);

    private async Task AssertNoEscape(string virtualPath)
    {
        await AssertRefused(() => ReadAll(virtualPath));
        await AssertRefused(async () =>
        {
            await using var writer = await _fs.OpenWriteAsync(virtualPath, new VfsWriteOptions { Atomic = false }, Ct);
            await writer.WriteAsync("pwned"u8.ToArray(), Ct);
            await writer.CompleteAsync(Ct);
        });
        await AssertRefused(async () =>
        {
            await using var writer = await _fs.OpenWriteAsync(virtualPath, new VfsWriteOptions { Truncate = true }, Ct);
            await writer.WriteAsync("pwned"u8.ToArray(), Ct);
            await writer.CompleteAsync(Ct);
        });
        await AssertRefused(() => _fs.SetInfoAsync(virtualPath, new VfsAttributeChange { Size = 0, Permissions = 0x1FF }, true, Ct).AsTask());
        await AssertRefused(() => _fs.GetInfoAsync(virtualPath, true, Ct).AsTask());
        await AssertRefused(async () => await _fs.CopyAsync(virtualPath, 0, 0, "/copied", 0, Ct));
        AssertSecretIntact();
        Assert.False(File.Exists(InRoot("copied")) && File.ReadAllText(InRoot("copied")).Contains(Secret));
    }

    private void AssertSecretIntact()
    {
        Assert.Equal(Secret, File.ReadAllText(_secretFile));
        Assert.Equal(new[] { "secret.txt" }, Directory.GetFileSystemEntries(_outside).Select(p => Path.GetFileName(p)).Order().ToArray());
    }

    private static async Task AssertRefused(Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<VfsException>(action);
        Assert.Contains(ex.Error, new[] { VfsError.PermissionDenied, VfsError.InvalidPath, VfsError.NotFound });
    }

    private async Task<string> ReadAll(string path)
    {
        await using var reader = await _fs.OpenReadAsync(path, Ct);
        var buffer = new byte[4096];
        int n = await reader.ReadAsync(0, buffer, Ct);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public async Task Absolute_Symlink_To_Outside_File_Is_Refused()
    {
        File.CreateSymbolicLink(InRoot("evil"), _secretFile);
        await AssertNoEscape("/evil");
    }

    [Fact]
    public async Task Absolute_Symlink_To_System_Directory_Is_Refused()
    {
        Directory.CreateSymbolicLink(InRoot("etc"), "/etc");
        await AssertRefused(() => ReadAll("/etc/passwd"));
        await AssertRefused(() => ReadAll("/etc/hostname"));
        await AssertRefused(async () => { await foreach (var _ in _fs.ListAsync("/etc", Ct)) { } });
        await AssertRefused(() => _fs.CreateDirectoryAsync("/etc/sftpkit-test", Ct).AsTask());
        Assert.False(Directory.Exists("/etc/sftpkit-test"));
    }

    [Fact]
    public async Task Relative_Symlink_Climbing_Out_Is_Refused()
    {
        File.CreateSymbolicLink(InRoot("climb"), "../../../outside/secret.txt");
        Assert.Equal(Secret, File.ReadAllText(InRoot("climb"))); // the link really does lead outside
        await AssertNoEscape("/climb");
    }

    [Fact]
    public async Task Symlinked_Directory_Out_Is_Refused_For_Every_Operation()
    {
        Directory.CreateSymbolicLink(InRoot("out"), _outside);
        await AssertNoEscape("/out/secret.txt");
        await AssertRefused(async () => { await foreach (var _ in _fs.ListAsync("/out", Ct)) { } });
        await AssertRefused(() => _fs.CreateDirectoryAsync("/out/newdir", Ct).AsTask());
        await AssertRefused(() => _fs.DeleteFileAsync("/out/secret.txt", Ct).AsTask());
        await AssertRefused(() => _fs.RenameAsync("/out/secret.txt", "/stolen", false, Ct).AsTask());
        File.WriteAllText(InRoot("mine"), "mine");
        await AssertRefused(() => _fs.RenameAsync("/mine", "/out/planted", false, Ct).AsTask());
        await AssertRefused(() => _fs.CreateHardLinkAsync("/out/secret.txt", "/hard", Ct).AsTask());
        await AssertRefused(() => _fs.CreateHardLinkAsync("/mine", "/out/hard", Ct).AsTask());
        await AssertRefused(() => _fs.CreateSymbolicLinkAsync("/out/planted-link", "/mine", Ct).AsTask());
        await AssertRefused(() => _fs.GetSpaceAsync("/out", Ct).AsTask());
        AssertSecretIntact();
        Assert.False(File.Exists(InRoot("stolen")));
        Assert.False(File.Exists(InRoot("hard")));
    }

    [Fact]
    public async Task Link_Free_Paths_And_Links_Inside_Agree_When_The_Root_Is_Configured_Through_A_Link()
    {
        // The root's own path goes through a link (resolved once, at construction); below it, plain paths take the
        // one-call link-free walk and a link inside the root the full one: both must land in the real root.
        string alias = Path.Combine(_base, "alias");
        Directory.CreateSymbolicLink(alias, Path.Combine(_base, "a"));
        var fs = new LocalFileSystem(new LocalFileSystemOptions { RootPath = Path.Combine(alias, "b", "root") });
        Assert.Equal(_fs.RootPath, fs.RootPath);
        await fs.CreateDirectoryAsync("/d", Ct);
        Directory.CreateSymbolicLink(InRoot("inside"), InRoot("d"));
        foreach (string path in new[] { "/d/plain.txt", "/inside/linked.txt" })
        {
            Assert.Null(await VfsInfoProbe.TryGetInfoAsync(fs, path, followLinks: true, Ct));
            await using (var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions { Atomic = true }, Ct))
            {
                await writer.WriteAsync("data"u8.ToArray(), Ct);
                await writer.CompleteAsync(Ct);
            }
            Assert.Equal(4, (await fs.GetInfoAsync(path, followLinks: true, Ct)).Size);
            await using var reader = await fs.OpenReadAsync(path, Ct);
            var buffer = new byte[16];
            Assert.Equal(4, await reader.ReadAsync(0, buffer, Ct));
        }
        Assert.True(File.Exists(InRoot(Path.Combine("d", "plain.txt"))));
        Assert.True(File.Exists(InRoot(Path.Combine("d", "linked.txt"))));
        var directory = await Assert.ThrowsAsync<VfsException>(() => fs.OpenReadAsync("/d", Ct).AsTask());
        Assert.Equal(VfsError.IsADirectory, directory.Error);
        AssertSecretIntact();
    }

    [Fact]
    public async Task Link_Chain_Leading_Out_Is_Refused()
    {
        Directory.CreateDirectory(InRoot("d"));
        File.CreateSymbolicLink(InRoot("d/step3"), _secretFile);
        File.CreateSymbolicLink(InRoot("d/step2"), "step3");
        File.CreateSymbolicLink(InRoot("step1"), "d/step2");
        await AssertNoEscape("/step1");
    }

    [Fact]
    public async Task Dangling_Symlink_Out_Cannot_Be_Used_To_Create_Outside()
    {
        string target = Path.Combine(_outside, "created-by-client.txt");
        File.CreateSymbolicLink(InRoot("dangling"), target);
        Directory.CreateSymbolicLink(InRoot("danglingdir"), Path.Combine(_outside, "newdir"));
        await AssertNoEscape("/dangling");
        await AssertRefused(() => _fs.CreateDirectoryAsync("/danglingdir/x", Ct).AsTask());
        Assert.False(File.Exists(target));
        Assert.False(Directory.Exists(Path.Combine(_outside, "newdir")));
    }

    [Fact]
    public async Task Link_Loop_Fails_Without_Escaping()
    {
        File.CreateSymbolicLink(InRoot("l1"), "l2");
        File.CreateSymbolicLink(InRoot("l2"), "l1");
        await Assert.ThrowsAsync<VfsException>(() => ReadAll("/l1"));
    }

    [Fact]
    public async Task Outside_Symlinks_Can_Still_Be_Listed_Inspected_And_Deleted_Without_Following()
    {
        File.CreateSymbolicLink(InRoot("evil"), _secretFile);
        var info = await _fs.GetInfoAsync("/evil", false, Ct);
        Assert.Equal(VfsFileType.SymbolicLink, info.Type);
        var listed = new List<VfsFileInfo>();
        await foreach (var entry in _fs.ListAsync("/", Ct))
        {
            listed.Add(entry);
        }
        Assert.Contains(listed, e => e.Name == "evil" && e.Type == VfsFileType.SymbolicLink);
        // Reading the link text must not reveal the server path outside the root.
        await AssertRefused(() => _fs.ReadSymbolicLinkAsync("/evil", Ct).AsTask());
        await _fs.DeleteFileAsync("/evil", Ct);
        Assert.False(Path.Exists(InRoot("evil")));
        AssertSecretIntact();
    }

    [Fact]
    public async Task Client_Symlinks_Never_Point_Outside_For_Other_Processes()
    {
        File.WriteAllText(InRoot("inside.txt"), "inside");
        await _fs.CreateSymbolicLinkAsync("/abs", _secretFile, Ct);          // an absolute host path is taken as virtual
        await _fs.CreateSymbolicLinkAsync("/rel", "../../../outside/secret.txt", Ct);
        await _fs.CreateSymbolicLinkAsync("/root", "/", Ct);
        foreach (var name in new[] { "abs", "rel" })
        {
            string real = InRoot(name);
            string? resolved = File.ResolveLinkTarget(real, returnFinalTarget: false)?.FullName;
            Assert.NotNull(resolved);
            Assert.StartsWith(_fs.RootPath + "/", Path.GetFullPath(resolved));
            await Assert.ThrowsAsync<VfsException>(() => ReadAll("/" + name)); // dangling inside the root
        }
        Assert.Equal(_secretFile, await _fs.ReadSymbolicLinkAsync("/abs", Ct));
        Assert.Equal("/outside/secret.txt", await _fs.ReadSymbolicLinkAsync("/rel", Ct));
        Assert.Equal("inside", await ReadAll("/root/inside.txt"));
        Assert.Equal(_fs.RootPath, Path.GetFullPath(File.ResolveLinkTarget(InRoot("root"), true)!.FullName));
        AssertSecretIntact();
    }

    [Fact]
    public async Task Hard_Link_Of_A_Link_Leading_Out_Is_Not_A_Way_Out()
    {
        File.CreateSymbolicLink(InRoot("evil"), _secretFile);
        // hardlink@openssh.com on a symlink links the symlink itself (link(2) does not follow on Linux),
        // so the new name is just another link that is refused when followed.
        try
        {
            await _fs.CreateHardLinkAsync("/evil", "/evil2", Ct);
        }
        catch (VfsException)
        {
            return; // refusing outright is fine too
        }
        await AssertNoEscape("/evil2");
    }

    [Fact]
    public async Task Hard_Link_Made_Outside_By_Another_Process_Is_Indistinguishable_And_Documented()
    {
        // A hard link is the same inode under a second name; once `ln` has put one inside the root, nothing
        // distinguishes it from a regular file. LocalFileSystem documents this as the operator's responsibility.
        // What is guaranteed: the server itself never creates such a link, as the other tests show.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var ln = Process.Start(new ProcessStartInfo("ln", [_secretFile, InRoot("hard")]) { RedirectStandardError = true })!;
        await ln.WaitForExitAsync();
        if (ln.ExitCode != 0)
        {
            return; // e.g. protected_hardlinks or a different file system for /tmp
        }
        var info = await _fs.GetInfoAsync("/hard", true, Ct);
        Assert.Equal(2u, info.LinkCount); // visible as nlink > 1, the only hint there is
    }

    [Fact]
    public async Task Atomic_Upload_Through_Swapped_Directory_Does_Not_Land_Outside()
    {
        Directory.CreateDirectory(InRoot("dir"));
        await using var writer = await _fs.OpenWriteAsync("/dir/upload.txt", new VfsWriteOptions(), Ct);
        await writer.WriteAsync("data"u8.ToArray(), Ct);
        // Another process swaps the directory for a link outside while the upload is open.
        Directory.Move(InRoot("dir"), InRoot("dir-moved"));
        Directory.CreateSymbolicLink(InRoot("dir"), _outside);
        // The upload holds its directory, not its path: it is published in that directory, which is still inside the
        // root (now at /dir-moved), and nothing appears behind the link.
        await writer.CompleteAsync(Ct);
        Assert.False(File.Exists(Path.Combine(_outside, "upload.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside, ".sftpkit-*"));
        Assert.Equal("data", await File.ReadAllTextAsync(InRoot("dir-moved/upload.txt")));
        AssertSecretIntact();
    }
}

public sealed class LocalPathResolverTests
{
    [Fact]
    public void Opened_Handles_Outside_The_Root_Are_Refused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string root = Directory.CreateTempSubdirectory("sftpkit-res-").FullName;
        string outside = Path.GetTempFileName();
        try
        {
            var resolver = new LocalPathResolver(root);
            using (var inside = File.OpenHandle(Path.Combine(resolver.Root, "f"), FileMode.Create, FileAccess.Write))
            {
                resolver.VerifyHandle(inside);
            }
            using var handle = File.OpenHandle(outside, FileMode.Open, FileAccess.Read);
            var ex = Assert.Throws<VfsException>(() => resolver.VerifyHandle(handle));
            Assert.Equal(VfsError.PermissionDenied, ex.Error);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            File.Delete(outside);
        }
    }
}
