using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>
/// An rclone round trip through a SftpKit server: a local tree (0 B to 6 MB files, nested directories) copied up with
/// <c>rclone copy</c>, compared with <c>rclone check --download</c>, copied down into a fresh directory with
/// <c>rclone copy</c>, and compared byte for byte with the original. Pure SFTP: no remote shell commands.
/// </summary>
internal static class RcloneRoundTrip
{
    public static readonly IReadOnlyDictionary<string, int> Sizes = new Dictionary<string, int>
    {
        ["empty.txt"] = 0,
        ["small.txt"] = 17,
        ["a.bin"] = 65_537,
        ["sub/b.bin"] = 6_000_001,
        ["sub/deeper/c.bin"] = 4_096,
    };

    /// <summary>Runs the round trip for <paramref name="user"/> (key <paramref name="keyFile"/>) into <paramref name="remoteDirectory"/>.</summary>
    public static async Task RunAsync(string workDirectory, int port, string user, string keyFile, string? knownHostsFile, string remoteDirectory)
    {
        Requires.Tool("rclone", "apt-get install rclone (scripts/test.sh does)");
        string up = Path.Combine(workDirectory, "rclone-up-" + Guid.NewGuid().ToString("N")[..8]);
        string down = up.Replace("rclone-up-", "rclone-down-", StringComparison.Ordinal);
        foreach (var (name, size) in Sizes)
        {
            string path = Path.Combine(up, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(size));
        }
        var env = new Dictionary<string, string>
        {
            ["RCLONE_CONFIG"] = Path.Combine(workDirectory, "rclone.conf"),
            ["RCLONE_CONFIG_SK_TYPE"] = "sftp",
            ["RCLONE_CONFIG_SK_HOST"] = "127.0.0.1",
            ["RCLONE_CONFIG_SK_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RCLONE_CONFIG_SK_USER"] = user,
            ["RCLONE_CONFIG_SK_KEY_FILE"] = keyFile,
            ["RCLONE_CONFIG_SK_SHELL_TYPE"] = "none",
            ["RCLONE_CONFIG_SK_DISABLE_HASHCHECK"] = "true",
        };
        if (knownHostsFile is not null)
        {
            env["RCLONE_CONFIG_SK_KNOWN_HOSTS_FILE"] = knownHostsFile;
        }
        async Task Rclone(params string[] args)
        {
            var result = await ProcessRunner.RunAsync("rclone", ["--low-level-retries", "1", "--retries", "1", .. args], environment: env,
                timeout: TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, $"rclone {args[0]} exited {result.ExitCode}:\n{result.Text}\n{result.StandardError}");
        }
        string remote = "sk:" + remoteDirectory.Trim('/');
        await Rclone("copy", up, remote);
        await Rclone("check", "--download", up, remote);
        await Rclone("copy", remote, down);
        foreach (var name in Sizes.Keys)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(up, name)), await File.ReadAllBytesAsync(Path.Combine(down, name)));
        }
        Assert.Equal(Sizes.Count, Directory.GetFiles(down, "*", SearchOption.AllDirectories).Length);
    }
}
