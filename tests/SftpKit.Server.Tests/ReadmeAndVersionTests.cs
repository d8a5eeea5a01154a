using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SftpKit.Tests.Interop;

namespace SftpKit.Server.Tests;

/// <summary>The README's first command (with a free port) and the version and help output.</summary>
public sealed class ReadmeAndVersionTests
{
    [Fact]
    public async Task Readme_first_command_serves_the_demo_account_to_stock_sftp()
    {
        // As in the README, but on a free port: `-- --config-dir DIR --port 2022 --user demo:demo-password`.
        string dir = await SampleServerProcess.NewConfigDirectoryAsync(withHostKey: false);
        string local = Path.Combine(dir, "local");
        Directory.CreateDirectory(local);
        byte[] content = RandomNumberGenerator.GetBytes(100_003);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content);
        await using var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--user", "demo:demo-password"]);
        // Host keys were generated on first start, as the README says.
        Assert.True(File.Exists(Path.Combine(dir, "keys", "ssh_host_ed25519_key.pub")));

        var result = await server.RunOpenSshSftpAsync("demo", "demo-password", "put up.bin\nls -l\nget up.bin down.bin", local);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        Assert.Contains("up.bin", result.Text, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(dir, "home", "demo", "up.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "down.bin")));

        var wrong = await server.RunOpenSshSftpAsync("demo", "not the password", "ls", local);
        Assert.NotEqual(0, wrong.ExitCode);
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Version_prints_version_commit_and_build_date()
    {
        var result = await SampleServerProcess.RunCliAsync(["--version"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Matches(@"(?m)^SftpKit\.Server \d+\.\d+\.\d+", result.Text);
        string commit = Regex.Match(result.Text, @"(?m)^commit: (\S+)$").Groups[1].Value;
        Assert.Matches("^([0-9a-f]{40}|unknown)$", commit);
        if (commit != "unknown")
        {
            // A commit of this repository.
            var known = await ProcessRunner.RunAsync("git", ["-C", Path.GetDirectoryName(SampleServerProcess.SampleDll())!, "cat-file", "-e", commit + "^{commit}"]);
            Assert.True(known.ExitCode == 0, $"{commit} is not a commit here: {known.StandardError}");
        }
        string date = Regex.Match(result.Text, @"(?m)^build date: (\S+)$").Groups[1].Value;
        var built = DateTimeOffset.Parse(date, CultureInfo.InvariantCulture);
        Assert.InRange(built, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Help_lists_the_commands_and_unknown_flags_fail()
    {
        var help = await SampleServerProcess.RunCliAsync(["--help"]);
        Assert.Equal(0, help.ExitCode);
        foreach (string command in new[] { "serve", "users", "initprovider", "admins", "revertprovider", "--config-dir", "--log-max-size" })
        {
            Assert.Contains(command, help.Text, StringComparison.Ordinal);
        }
        var bad = await SampleServerProcess.RunCliAsync(["--no-such-flag"]);
        Assert.NotEqual(0, bad.ExitCode);
    }
}
