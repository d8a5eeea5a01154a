using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>
/// An sshfs (Debian sshfs, FUSE) mount of a real SftpKit server, and the scenarios the sshfs tests run through it with
/// the real tools (touch, cp, cmp, mv, dd). Needs /dev/fuse and the right to mount (decided by <see cref="FuseProbe"/>,
/// never from the mount's error text); without them the test is a counted skip, a failure under CI.
/// </summary>
internal sealed class SshfsMount : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private SshfsMount(string path) => Path = path;

    /// <summary>The mount point (a local directory).</summary>
    public string Path { get; }

    /// <summary>Mounts <paramref name="remoteDirectory"/> of <paramref name="user"/> at a new directory under <paramref name="parent"/>.</summary>
    public static async Task<SshfsMount> MountAsync(string parent, string user, int port, string clientKey, string remoteDirectory)
    {
        Requires.Tool("sshfs", "install the Debian package sshfs (scripts/test.sh does)");
        Requires.That(FuseProbe.CanMount(out string why), $"FUSE mounting ({why})",
            "run where /dev/fuse is usable and fusermount may mount (root with CAP_SYS_ADMIN, or a setuid fusermount)");
        string mount = System.IO.Path.Combine(parent, "mnt-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        var mounted = await ProcessRunner.RunAsync("sshfs",
        [
            $"{user}@127.0.0.1:{remoteDirectory}", mount,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-F", "/dev/null",
            "-o", $"IdentityFile={clientKey}",
            "-o", "IdentitiesOnly=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=20",
            "-o", "LogLevel=ERROR",
        ], timeout: StepTimeout);
        // FUSE was found usable above, so any mount failure (authentication included) is the test's failure.
        Assert.True(mounted.ExitCode == 0, $"sshfs failed to mount (exit {mounted.ExitCode}): {mounted.StandardError.Trim()}");
        return new SshfsMount(mount);
    }

    /// <summary>The path of <paramref name="name"/> inside the mount.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Reads <paramref name="name"/> through the mount: the mount's own connection sees an upload still in flight, so
    /// this is what a user of the mount reads back. Storage seen from outside catches up on the last CLOSE
    /// (<see cref="WhenStoredAsync"/>).
    /// </summary>
    public Task<byte[]> SettleAsync(string name) => File.ReadAllBytesAsync(this[name]);

    /// <summary>
    /// The bytes at <paramref name="storagePath"/> once they equal <paramref name="expected"/>, or what is there after
    /// 30 seconds (so the assertion shows the difference). An atomic upload is published on the last CLOSE of its
    /// handles, and the kernel sends those RELEASEs after close(2) has returned, so storage seen from outside the
    /// mount catches up a moment later.
    /// </summary>
    public static Task<byte[]?> WhenStoredAsync(string storagePath, byte[] expected)
        => WhenStoredAsync(async () => File.Exists(storagePath) ? await File.ReadAllBytesAsync(storagePath) : null, expected);

    /// <summary>As <see cref="WhenStoredAsync(string, byte[])"/>, reading the storage with <paramref name="read"/> (null: not there yet).</summary>
    public static async Task<byte[]?> WhenStoredAsync(Func<Task<byte[]?>> read, byte[] expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            byte[]? stored = await read();
            if ((stored is not null && stored.AsSpan().SequenceEqual(expected)) || DateTime.UtcNow > deadline)
            {
                return stored;
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Runs a tool and fails the test, with its output, unless it exits 0.</summary>
    public static async Task RunAsync(string tool, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(tool, arguments, timeout: StepTimeout);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed (exit {result.ExitCode}): {result.StandardError.Trim()} {result.Text.Trim()}");
    }

    /// <summary>
    /// touch creates an empty file (OPEN CREAT, then SETSTAT of the times while it is open), and touch -d sets the
    /// modification time of an existing one; both are seen through the mount.
    /// </summary>
    public async Task TouchAsync(string name)
    {
        await RunAsync("touch", this[name]);
        Assert.Equal(0, new FileInfo(this[name]).Length);
        await RunAsync("touch", "-m", "-d", "2021-02-03 04:05:06Z", this[name]);
        Assert.Equal(new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc), File.GetLastWriteTimeUtc(this[name]));
        Assert.Empty(await SettleAsync(name));
    }

    /// <summary><c>cp</c> of <paramref name="content"/> into the mount, then <c>cmp</c> reading it back through the mount.</summary>
    public async Task CopyAndCompareAsync(string localDirectory, string name, byte[] content)
    {
        string source = System.IO.Path.Combine(localDirectory, "src-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllBytesAsync(source, content);
        await RunAsync("cp", source, this[name]);
        await RunAsync("cmp", source, this[name]);
        Assert.Equal(content.Length, new FileInfo(this[name]).Length);
    }

    /// <summary><c>mv</c> of one file over another existing one: the target has the moved content, the source is gone.</summary>
    public async Task RenameOverAsync(string localDirectory, string from, string to, byte[] fromContent, byte[] toContent)
    {
        await CopyAndCompareAsync(localDirectory, from, fromContent);
        await CopyAndCompareAsync(localDirectory, to, toContent);
        await RunAsync("mv", this[from], this[to]);
        Assert.False(File.Exists(this[from]));
        Assert.Equal(fromContent, await File.ReadAllBytesAsync(this[to]));
    }

    /// <summary>
    /// <c>dd conv=notrunc</c> of 4 KiB blocks at random block offsets into an existing file (one dd per block, one past
    /// the end), each then read back through the mount; returns the content the file must now have.
    /// </summary>
    public async Task<byte[]> RandomWritesAsync(string localDirectory, string name, byte[] content)
    {
        const int block = 4096;
        var expected = new List<byte>(content);
        int blocks = content.Length / block;
        var offsets = new[] { RandomNumberGenerator.GetInt32(blocks), RandomNumberGenerator.GetInt32(blocks), 0, blocks - 1, blocks + 2 };
        foreach (int at in offsets)
        {
            byte[] patch = RandomNumberGenerator.GetBytes(block);
            string patchFile = System.IO.Path.Combine(localDirectory, "patch-" + Guid.NewGuid().ToString("N")[..8]);
            await File.WriteAllBytesAsync(patchFile, patch);
            await RunAsync("dd", $"if={patchFile}", $"of={this[name]}", $"bs={block}", $"seek={at}", "count=1", "conv=notrunc", "status=none");
            long end = ((long)at * block) + block;
            while (expected.Count < end)
            {
                expected.Add(0);
            }
            for (int i = 0; i < block; i++)
            {
                expected[(at * block) + i] = patch[i];
            }
            string expectedFile = System.IO.Path.Combine(localDirectory, "expected-" + Guid.NewGuid().ToString("N")[..8]);
            await File.WriteAllBytesAsync(expectedFile, expected.ToArray());
            await RunAsync("cmp", expectedFile, this[name]);
        }
        return expected.ToArray();
    }

    /// <summary>
    /// One process writes one file through two descriptors (two SFTP handles): the first creates and truncates it, the
    /// second opens it read-write while the first is still open; every byte of both lands. With
    /// <paramref name="rewrite"/> the first also writes over bytes written before (storage with random-access writes
    /// only: an object store streams the bytes and cannot rewrite them). Returns the content.
    /// </summary>
    public async Task<byte[]> TwoHandlesAsync(string name, bool rewrite)
    {
        const string script = """
            import sys
            path, rewrite = sys.argv[1], sys.argv[2] == "1"
            a = open(path, "wb", buffering=0)
            a.write(b"A" * 300000)
            b = open(path, "r+b", buffering=0)
            b.seek(300000)
            b.write(b"B" * 200000)
            if rewrite:
                a.seek(100000)
                a.write(b"C" * 1000)
            a.close()
            b.write(b"D" * 5000)
            b.close()
            """;
        await RunAsync("/usr/bin/python3", "-c", script, this[name], rewrite ? "1" : "0");
        byte[] expected = [.. Enumerable.Repeat((byte)'A', 300000), .. Enumerable.Repeat((byte)'B', 200000), .. Enumerable.Repeat((byte)'D', 5000)];
        if (rewrite)
        {
            expected.AsSpan(100000, 1000).Fill((byte)'C');
        }
        Assert.Equal(expected, await File.ReadAllBytesAsync(this[name]));
        return expected;
    }

    public async ValueTask DisposeAsync()
    {
        string tool = File.Exists("/usr/bin/fusermount3") ? "fusermount3" : "fusermount";
        var result = await ProcessRunner.RunAsync(tool, ["-u", Path], timeout: StepTimeout);
        if (result.ExitCode != 0)
        {
            await ProcessRunner.RunAsync(tool, ["-u", "-z", Path], timeout: StepTimeout);
        }
    }
}
