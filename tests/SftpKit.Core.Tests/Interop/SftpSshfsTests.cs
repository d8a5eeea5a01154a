using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>
/// sshfs (Debian sshfs, FUSE) mounting the real server with the library's defaults (atomic uploads): touch, cp then
/// cmp, mv over an existing file, dd conv=notrunc random writes and one file written through two handles, all checked
/// byte for byte through the mount and on the disk. sshfs stats and sets the times of a file while it is still open for
/// writing, and writes one file through two handles: an atomic upload in flight is visible to its own connection.
/// </summary>
public sealed class SftpSshfsTests : IClassFixture<SftpTestServer>
{
    private readonly SftpTestServer _server;

    public SftpSshfsTests(SftpTestServer server) => _server = server;

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    [Fact]
    public async Task Sshfs_DefaultAtomicUploads_TouchCopyRenameOverRandomWritesTwoHandles()
    {
        string local = Path.Combine(_server.Directory, "local-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        Directory.CreateDirectory(HomePath("fs"));
        await using var mount = await SshfsMount.MountAsync(_server.Directory, SftpTestServer.UserName, _server.Port, _server.ClientKey, "/fs");
        await Task.Run(async () =>
        {
            await mount.TouchAsync("touched.txt");
            Assert.Equal(0, new FileInfo(HomePath("fs/touched.txt")).Length);
            Assert.Equal(new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc), File.GetLastWriteTimeUtc(HomePath("fs/touched.txt")));

            foreach (int size in new[] { 1, 65_536, 3_000_017 })
            {
                byte[] content = RandomNumberGenerator.GetBytes(size);
                await mount.CopyAndCompareAsync(local, $"copy-{size}.bin", content);
                Assert.Equal(content, await SshfsMount.WhenStoredAsync(HomePath($"fs/copy-{size}.bin"), content));
            }

            byte[] moved = RandomNumberGenerator.GetBytes(1_234_567);
            await mount.RenameOverAsync(local, "a.bin", "b.bin", moved, RandomNumberGenerator.GetBytes(777_777));
            Assert.Equal(moved, await SshfsMount.WhenStoredAsync(HomePath("fs/b.bin"), moved));
            Assert.False(File.Exists(HomePath("fs/a.bin")));

            byte[] patched = await mount.RandomWritesAsync(local, "b.bin", moved);
            Assert.Equal(patched, await SshfsMount.WhenStoredAsync(HomePath("fs/b.bin"), patched));

            byte[] twice = await mount.TwoHandlesAsync("two.bin", rewrite: true);
            Assert.Equal(twice, await SshfsMount.WhenStoredAsync(HomePath("fs/two.bin"), twice));

            Directory.CreateDirectory(mount["sub"]);
            await File.WriteAllTextAsync(Path.Combine(mount["sub"], "note.txt"), "note");
            Assert.Equal("note"u8.ToArray(), await mount.SettleAsync("sub/note.txt"));
            Assert.Equal("note"u8.ToArray(), await SshfsMount.WhenStoredAsync(HomePath("fs/sub/note.txt"), "note"u8.ToArray()));
            File.Delete(Path.Combine(mount["sub"], "note.txt"));
            Directory.Delete(mount["sub"]);
            Assert.False(Directory.Exists(HomePath("fs/sub")));
        }).WaitAsync(TimeSpan.FromMinutes(3));
        // Nothing but the files: no temporary of an atomic upload is left behind.
        Assert.Equal(["b.bin", "copy-1.bin", "copy-3000017.bin", "copy-65536.bin", "touched.txt", "two.bin"],
            Directory.GetFileSystemEntries(HomePath("fs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
