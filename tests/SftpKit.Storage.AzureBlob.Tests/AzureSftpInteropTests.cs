using System.Globalization;
using System.Security.Cryptography;
using Renci.SshNet;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>Real SFTP clients (OpenSSH sftp, SSH.NET, rclone) against a SftpKit server whose accounts live in Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureSftpInteropTests(AzuriteEnvironment azurite, AzureSftpServer server) : IClassFixture<AzureSftpServer>
{
    private static string User(string name) => name + Guid.NewGuid().ToString("N")[..6];

    private async Task<(string User, string Prefix)> AccountAsync(string name, IDictionary<string, string>? extra = null)
    {
        var settings = azurite.Settings();
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        string user = User(name);
        string prefix = AzuriteEnvironment.NewPrefix(name);
        await server.AddAccountAsync(user, prefix, settings);
        return (user, prefix);
    }

    [Fact]
    public async Task OpenSsh_PutGetRenameRemove_LandInTheContainer()
    {
        var (user, prefix) = await AccountAsync("alice", new Dictionary<string, string> { ["MaxRenameObjects"] = "3" });
        string local = server.NewLocalDirectory();
        byte[] content = RandomNumberGenerator.GetBytes(7 * 1024 * 1024 + 4321);
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), content);
        await File.WriteAllTextAsync(Path.Combine(local, "f"), "content");

        var result = await server.SftpBatchAsync(user, local, "mkdir data", "put big.bin data/big.bin", "get data/big.bin back.bin", "ls -l data",
            "put f data/f1", "rename data/f1 data/g", "rename data moved", "mkdir big", "put f big/1", "put f big/2", "put f big/3", "put f big/4",
            "-rename big big2", "put f gone", "rm gone");
        Assert.True(result.ExitCode == 0, result.StandardError);

        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "back.bin")));
        Assert.Contains("7344353", result.Text, StringComparison.Ordinal);
        Assert.Equal(content, await azurite.GetAsync(prefix + "moved/big.bin"));
        Assert.Equal(["big/", "big/1", "big/2", "big/3", "big/4", "moved/", "moved/big.bin", "moved/g"], await azurite.NamesAsync(prefix));
    }

    [Fact]
    public async Task SshNet_UploadAndDownload()
    {
        var (user, prefix) = await AccountAsync("sshnet");
        using var client = new SftpClient("127.0.0.1", server.Port, user, AzureSftpServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        byte[] content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 1);
        using (var upload = new MemoryStream(content))
        {
            client.UploadFile(upload, "sshnet.bin");
        }
        using var download = new MemoryStream();
        client.DownloadFile("sshnet.bin", download);
        Assert.Equal(content, download.ToArray());
        Assert.Equal(content, await azurite.GetAsync(prefix + "sshnet.bin"));
    }

    [Fact]
    public async Task Rclone_CopyCheckAndBack()
    {
        Requires.Tool("rclone", "apt-get install rclone (scripts/test.sh does)");
        // rclone sets modification times after each upload: blob storage accepts and ignores them with SetstatMode Ignore.
        var (user, prefix) = await AccountAsync("rclone", new Dictionary<string, string> { ["SetstatMode"] = "Ignore" });
        string local = server.NewLocalDirectory();
        string src = Path.Combine(local, "src");
        var sizes = new Dictionary<string, int> { ["empty.txt"] = 0, ["a.bin"] = 65_537, ["sub/b.bin"] = 2_500_001, ["sub/deeper/c.bin"] = 4_096 };
        foreach (var (name, size) in sizes)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(src, name))!);
            await File.WriteAllBytesAsync(Path.Combine(src, name), RandomNumberGenerator.GetBytes(size));
        }
        var env = new Dictionary<string, string>
        {
            ["RCLONE_CONFIG"] = Path.Combine(local, "rclone.conf"),
            ["RCLONE_CONFIG_SK_TYPE"] = "sftp",
            ["RCLONE_CONFIG_SK_HOST"] = "127.0.0.1",
            ["RCLONE_CONFIG_SK_PORT"] = server.Port.ToString(CultureInfo.InvariantCulture),
            ["RCLONE_CONFIG_SK_USER"] = user,
            ["RCLONE_CONFIG_SK_KEY_FILE"] = server.ClientKey,
            ["RCLONE_CONFIG_SK_KNOWN_HOSTS_FILE"] = server.KnownHostsFile,
            ["RCLONE_CONFIG_SK_SHELL_TYPE"] = "none",
            ["RCLONE_CONFIG_SK_DISABLE_HASHCHECK"] = "true",
        };
        Task<ProcessRunner.Result> Rclone(params string[] args) =>
            ProcessRunner.RunAsync("rclone", ["--low-level-retries", "1", "--retries", "1", .. args], environment: env, timeout: TimeSpan.FromSeconds(120));

        var copy = await Rclone("copy", src, "sk:rc");
        Assert.True(copy.ExitCode == 0, copy.Text + copy.StandardError);
        var check = await Rclone("check", "--download", src, "sk:rc");
        Assert.True(check.ExitCode == 0, check.Text + check.StandardError);
        var back = await Rclone("copy", "sk:rc", Path.Combine(local, "back"));
        Assert.True(back.ExitCode == 0, back.Text + back.StandardError);
        foreach (var name in sizes.Keys)
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(src, name)), await File.ReadAllBytesAsync(Path.Combine(local, "back", name)));
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(src, name)), await azurite.GetAsync(prefix + "rc/" + name));
        }
    }
}
