using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>
/// sshfs (Debian sshfs, FUSE) mounting the real server: writes, reads, renames, lists and removes through the kernel.
/// Needs /dev/fuse and the right to mount (decided by <see cref="FuseProbe"/>, never from the mount's error text); without
/// them the test is a counted skip, a failure under CI.
/// The server writes uploads in place: sshfs stats a file by name while it is still open for writing, which an
/// atomic upload (not under its name until CLOSE) answers with "no such file".
/// </summary>
public sealed class SftpSshfsTests : IClassFixture<InPlaceSftpTestServer>
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);
    private readonly SftpTestServer _server;
    private readonly ITestOutputHelper _output;

    public SftpSshfsTests(InPlaceSftpTestServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    [Fact]
    public async Task Sshfs_Mount_WriteReadRenameListRemove()
    {
        Requires.Tool("sshfs", "install the Debian package sshfs (scripts/test.sh does)");
        Requires.That(FuseProbe.CanMount(out string why), $"FUSE mounting ({why})",
            "run where /dev/fuse is usable and fusermount may mount (root with CAP_SYS_ADMIN, or a setuid fusermount)");
        string mount = Path.Combine(_server.Directory, "mnt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        Directory.CreateDirectory(HomePath("fs"));
        var mounted = await ProcessRunner.RunAsync("sshfs",
        [
            $"{SftpTestServer.UserName}@127.0.0.1:/fs", mount,
            "-p", _server.Port.ToString(CultureInfo.InvariantCulture),
            "-F", "/dev/null",
            "-o", $"IdentityFile={_server.ClientKey}",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=20",
            "-o", "LogLevel=ERROR",
        ], timeout: StepTimeout);
        // FUSE was found usable above, so any mount failure (authentication included) is this test's failure.
        Assert.True(mounted.ExitCode == 0, $"sshfs failed to mount (exit {mounted.ExitCode}): {mounted.StandardError.Trim()}");
        try
        {
            await WithTimeout(() => ExerciseMountAsync(mount));
        }
        finally
        {
            await UnmountAsync(mount);
        }
        Assert.Equal(["renamed.bin"], Directory.GetFileSystemEntries(HomePath("fs")).Select(Path.GetFileName));
    }

    private async Task ExerciseMountAsync(string mount)
    {
        var content = RandomNumberGenerator.GetBytes(3_000_017);
        await File.WriteAllBytesAsync(Path.Combine(mount, "written.bin"), content);
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("fs/written.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(mount, "written.bin")));

        // Random-access write on one handle (sshfs keeps it open and writes at offsets).
        await using (var stream = new FileStream(Path.Combine(mount, "written.bin"), FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 1_000_000;
            stream.Write("patched"u8);
            await stream.FlushAsync();
        }
        "patched"u8.CopyTo(content.AsSpan(1_000_000));
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("fs/written.bin")));

        Directory.CreateDirectory(Path.Combine(mount, "sub"));
        await File.WriteAllTextAsync(Path.Combine(mount, "sub", "note.txt"), "note");
        Assert.True(File.Exists(HomePath("fs/sub/note.txt")));
        var listing = Directory.GetFileSystemEntries(mount).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new List<string> { "sub", "written.bin" }, listing);

        File.Move(Path.Combine(mount, "written.bin"), Path.Combine(mount, "renamed.bin"));
        Assert.False(File.Exists(HomePath("fs/written.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("fs/renamed.bin")));

        File.Delete(Path.Combine(mount, "sub", "note.txt"));
        Directory.Delete(Path.Combine(mount, "sub"));
        Assert.False(Directory.Exists(HomePath("fs/sub")));
        Assert.Equal(3_000_017, new FileInfo(Path.Combine(mount, "renamed.bin")).Length);
    }

    private static async Task WithTimeout(Func<Task> action) => await Task.Run(action).WaitAsync(TimeSpan.FromMinutes(2));

    private async Task UnmountAsync(string mount)
    {
        string tool = File.Exists("/usr/bin/fusermount3") ? "fusermount3" : "fusermount";
        var result = await ProcessRunner.RunAsync(tool, ["-u", mount], timeout: StepTimeout);
        if (result.ExitCode != 0)
        {
            _output.WriteLine($"{tool} -u failed ({result.StandardError.Trim()}); detaching lazily");
            await ProcessRunner.RunAsync(tool, ["-u", "-z", mount], timeout: StepTimeout);
        }
    }
}

/// <summary>The SFTP test server with <see cref="SftpKit.Sftp.SftpUploadMode.Standard"/> (in-place) uploads.</summary>
public sealed class InPlaceSftpTestServer : SftpTestServer
{
    protected override SftpKit.Sftp.SftpUploadMode UploadMode => SftpKit.Sftp.SftpUploadMode.Standard;
}
