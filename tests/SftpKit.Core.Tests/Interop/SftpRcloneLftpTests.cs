using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace SftpKit.Tests.Interop;

/// <summary>rclone (its own Go SFTP client) and lftp (over OpenSSH's ssh) against the real server.</summary>
public sealed class SftpRcloneLftpTests : IClassFixture<SftpTestServer>
{
    private readonly SftpTestServer _server;

    public SftpRcloneLftpTests(SftpTestServer server) => _server = server;

    private string Port => _server.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A local tree: files of several sizes (0 B to 3 MB, past one SFTP read/write chunk) and a subdirectory.</summary>
    private static Dictionary<string, string> MakeTree(string root)
    {
        var sizes = new Dictionary<string, int>
        {
            ["empty.txt"] = 0,
            ["small.txt"] = 17,
            ["a.bin"] = 65_537,
            ["sub/b.bin"] = 3_000_001,
            ["sub/deeper/c.bin"] = 4_096,
        };
        var hashes = new Dictionary<string, string>();
        foreach (var (name, size) in sizes)
        {
            string path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var content = RandomNumberGenerator.GetBytes(size);
            File.WriteAllBytes(path, content);
            hashes[name] = Convert.ToHexString(SHA256.HashData(content));
        }
        return hashes;
    }

    private static void AssertTree(Dictionary<string, string> expected, string root)
    {
        foreach (var (name, hash) in expected)
        {
            string path = Path.Combine(root, name);
            Assert.True(File.Exists(path), $"missing {path}");
            Assert.Equal(hash, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
        }
        int count = Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length;
        Assert.Equal(expected.Count, count);
    }

    private Task<ProcessRunner.Result> RcloneAsync(params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["RCLONE_CONFIG"] = Path.Combine(_server.Directory, "rclone.conf"),
            ["RCLONE_CONFIG_SK_TYPE"] = "sftp",
            ["RCLONE_CONFIG_SK_HOST"] = "127.0.0.1",
            ["RCLONE_CONFIG_SK_PORT"] = Port,
            ["RCLONE_CONFIG_SK_USER"] = SftpTestServer.UserName,
            ["RCLONE_CONFIG_SK_KEY_FILE"] = _server.ClientKey,
            ["RCLONE_CONFIG_SK_KNOWN_HOSTS_FILE"] = _server.KnownHostsFile,
            // No remote shell commands (md5sum, df): pure SFTP.
            ["RCLONE_CONFIG_SK_SHELL_TYPE"] = "none",
            ["RCLONE_CONFIG_SK_DISABLE_HASHCHECK"] = "true",
        };
        return ProcessRunner.RunAsync("rclone", ["--low-level-retries", "1", "--retries", "1", .. args], environment: env,
            timeout: TimeSpan.FromSeconds(120));
    }

    private static void AssertOk(ProcessRunner.Result result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what} exited {result.ExitCode}:\n{result.Text}\n{result.StandardError}");

    [Fact]
    public async Task Rclone_CopyCheckLsjsonAboutMovetoPurge()
    {
        string local = Path.Combine(_server.Directory, "rclone-" + Guid.NewGuid().ToString("N")[..8]);
        string src = Path.Combine(local, "src");
        var tree = MakeTree(src);

        AssertOk(await RcloneAsync("copy", src, "sk:rc/src"), "rclone copy");
        AssertTree(tree, Path.Combine(_server.Home, "rc", "src"));

        // --download compares content byte by byte (no remote hashes without shell commands).
        AssertOk(await RcloneAsync("check", "--download", src, "sk:rc/src"), "rclone check");

        // Changing one byte on the server must make check fail.
        string tampered = Path.Combine(_server.Home, "rc", "src", "small.txt");
        var bytes = await File.ReadAllBytesAsync(tampered);
        bytes[0] ^= 0xFF;
        await File.WriteAllBytesAsync(tampered, bytes);
        var failedCheck = await RcloneAsync("check", "--download", src, "sk:rc/src");
        Assert.NotEqual(0, failedCheck.ExitCode);
        File.Copy(Path.Combine(src, "small.txt"), tampered, overwrite: true);

        var lsjson = await RcloneAsync("lsjson", "-R", "sk:rc/src");
        AssertOk(lsjson, "rclone lsjson");
        using (var doc = JsonDocument.Parse(lsjson.Text))
        {
            var entries = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("Path").GetString()!, e => e);
            Assert.Equal(3_000_001, entries["sub/b.bin"].GetProperty("Size").GetInt64());
            Assert.Equal(0, entries["empty.txt"].GetProperty("Size").GetInt64());
            Assert.True(entries["sub/deeper"].GetProperty("IsDir").GetBoolean());
            Assert.Equal(tree.Count + 2, entries.Count); // files + sub + sub/deeper
        }

        var about = await RcloneAsync("about", "--json", "sk:");
        AssertOk(about, "rclone about");
        using (var doc = JsonDocument.Parse(about.Text))
        {
            Assert.True(doc.RootElement.GetProperty("total").GetInt64() > 0, about.Text);
            Assert.True(doc.RootElement.TryGetProperty("free", out _), about.Text);
        }

        AssertOk(await RcloneAsync("moveto", "sk:rc/src/a.bin", "sk:rc/moved.bin"), "rclone moveto");
        Assert.False(File.Exists(Path.Combine(_server.Home, "rc", "src", "a.bin")));
        Assert.Equal(tree["a.bin"],
            Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_server.Home, "rc", "moved.bin")))));

        // Download back and compare by hash.
        string back = Path.Combine(local, "back");
        AssertOk(await RcloneAsync("copy", "sk:rc/src", back), "rclone copy down");
        tree.Remove("a.bin");
        AssertTree(tree, back);

        AssertOk(await RcloneAsync("purge", "sk:rc"), "rclone purge");
        Assert.False(Directory.Exists(Path.Combine(_server.Home, "rc")));
    }

    [Fact]
    public async Task Lftp_MirrorUpAndDown()
    {
        string local = Path.Combine(_server.Directory, "lftp-" + Guid.NewGuid().ToString("N")[..8]);
        string src = Path.Combine(local, "src");
        string back = Path.Combine(local, "back");
        var tree = MakeTree(src);

        string connect = $"ssh -a -x -F /dev/null -o UserKnownHostsFile={_server.KnownHostsFile} -o GlobalKnownHostsFile=/dev/null "
            + "-o StrictHostKeyChecking=yes -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive";
        string password = Uri.EscapeDataString(SftpTestServer.Password);
        string script = string.Join("; ",
            "set cmd:fail-exit yes",
            "set sftp:auto-confirm yes",
            $"set sftp:connect-program \"{connect}\"",
            "set net:max-retries 2",
            "set net:reconnect-interval-base 1",
            "set net:timeout 30",
            $"open sftp://{SftpTestServer.UserName}:{password}@127.0.0.1:{Port}",
            $"mirror -R --verbose=1 {src} lf",
            $"mirror --verbose=1 lf {back}",
            "bye");
        var result = await ProcessRunner.RunAsync("lftp", ["-c", script], timeout: TimeSpan.FromSeconds(120));
        AssertOk(result, "lftp");

        AssertTree(tree, Path.Combine(_server.Home, "lf"));
        AssertTree(tree, back);
    }
}
