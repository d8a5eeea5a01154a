using System.Text;
using System.Text.Json.Nodes;
using Renci.SshNet.Common;
using SftpKit.Tests.Interop;

namespace SftpKit.Server.Tests;

/// <summary>
/// The first hour with the sample: the template configuration is read once copied into the config directory (and
/// named when it is not), the host key fingerprints to check are in the start log, the <c>--user</c> account persists
/// without the flag, and the umask (server-wide and per account) gives OpenSSH sftp's new files and directories their modes.
/// </summary>
public sealed class NewcomerProcessTests
{
    private static string TemplatePath => Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "SftpKit.Server", "sftpkit.json");

    [Fact]
    public async Task Template_copied_into_the_config_dir_is_read_and_an_uncopied_one_is_named()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string[] config = ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"];
        try
        {
            // Not copied: defaults, and a warning naming the template beside the program and the directory searched.
            await using (var bare = await SampleServerProcess.StartAsync(dir, ["serve", .. config]))
            {
                var warning = bare.StandardOutput.Select(SampleServerProcess.TryParse).Single(j => j?["EventId"]?["Id"]?.GetValue<int>() == 9041)!;
                Assert.EndsWith("sftpkit.json", warning["Template"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Equal(dir, warning["ConfigDirectory"]!.GetValue<string>());
            }

            // Copied as it is, with one value changed: every comment parses and the value is used.
            string text = await File.ReadAllTextAsync(TemplatePath);
            Assert.Contains("\"ServerVersion\": \"SftpKit_1.0\"", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), text.Replace("\"ServerVersion\": \"SftpKit_1.0\"", "\"ServerVersion\": \"SftpKit_Copied\"", StringComparison.Ordinal));
            await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--user", "demo:demo-password"]);
            var read = server.StandardOutput.Select(SampleServerProcess.TryParse).Single(j => j?["EventId"]?["Id"]?.GetValue<int>() == 9001)!;
            Assert.Equal(Path.Combine(dir, "sftpkit.json"), read["ConfigFile"]!.GetValue<string>());
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains("\"Id\":9041", StringComparison.Ordinal));
            using var client = server.SftpClient("demo", "demo-password");
            await client.ConnectAsync(CancellationToken.None);
            Assert.Equal("SSH-2.0-SftpKit_Copied", client.ConnectionInfo.ServerVersion);
            client.Disconnect();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_log_shows_the_host_key_fingerprints_ssh_keygen_prints_and_the_user_flag_account_persists()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync(withHostKey: false);
        string[] config = ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"];
        try
        {
            await using (var first = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--user", "demo:demo-password"]))
            {
                Assert.True(await LogsInAsync(first, "demo", "demo-password"));
            }
            // Second start, without --user: the keys are loaded (not generated) and each fingerprint is logged.
            await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config]);
            var logged = server.StandardOutput.Select(SampleServerProcess.TryParse)
                .Where(j => j?["EventId"]?["Name"]?.GetValue<string>() == "HostKeyLoaded")
                .ToDictionary(j => j!["KeyType"]!.GetValue<string>(), j => j!["Fingerprint"]!.GetValue<string>());
            Assert.Contains("ssh-ed25519", logged.Keys);
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", Path.Combine(dir, "keys", "ssh_host_ed25519_key.pub")]);
            Assert.True(keygen.ExitCode == 0, keygen.StandardError);
            Assert.Equal(keygen.Text.Split(' ')[1], logged["ssh-ed25519"]);

            // The account of --user is in the store: it still logs in, and `users remove` is how it goes.
            Assert.True(await LogsInAsync(server, "demo", "demo-password"));
            var remove = await SampleServerProcess.RunCliAsync(["users", "remove", "demo", "--config-dir", dir]);
            Assert.True(remove.ExitCode == 0, remove.StandardError);
            Assert.True(await SampleServerProcess.EventuallyAsync(async () => !await LogsInAsync(server, "demo", "demo-password"), TimeSpan.FromSeconds(30)));

            var help = await SampleServerProcess.RunCliAsync(["serve", "--help"]);
            Assert.Contains("It persists", help.Text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Umask_server_wide_and_per_account_gives_openssh_uploads_and_directories_their_modes()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), """{ "SftpKit": { "Policies": { "Umask": "0027" } } }""");
        string[] config = ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"];
        string local = Path.Combine(dir, "local");
        Directory.CreateDirectory(local);
        string source = Path.Combine(local, "report.txt");
        await File.WriteAllTextAsync(source, "modes");
        File.SetUnixFileMode(source, (UnixFileMode)Convert.ToInt32("666", 8));
        try
        {
            await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--user", "wide:wide-password"],
                new Dictionary<string, string> { [SampleServerProcess.AdminPasswordVariable] = "umask admin password" });
            // A second account whose local storage sets its own umask.
            using (var api = server.AdminClient(await server.TokenAsync("admin", "umask admin password")))
            {
                var account = new JsonObject
                {
                    ["userName"] = "own",
                    ["password"] = "own-password",
                    ["homeDirectory"] = Path.Combine(dir, "home", "own"),
                    ["fileSystem"] = new JsonObject { ["provider"] = "local", ["settings"] = new JsonObject { ["umask"] = "077" } },
                };
                using var created = await api.PostAsync("/api/v2/users", new StringContent(account.ToJsonString(), Encoding.UTF8, "application/json"));
                Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }

            foreach (var (user, password, fileMode, directoryMode) in new[] { ("wide", "wide-password", "640", "750"), ("own", "own-password", "600", "700") })
            {
                var run = await server.RunOpenSshSftpAsync(user, password, "put report.txt\nmkdir made", local);
                Assert.True(run.ExitCode == 0, run.StandardError + run.Text);
                string home = Path.Combine(dir, "home", user);
                Assert.Equal(fileMode, Convert.ToString((int)File.GetUnixFileMode(Path.Combine(home, "report.txt")), 8));
                Assert.Equal(directoryMode, Convert.ToString((int)File.GetUnixFileMode(Path.Combine(home, "made")), 8));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_umask_stops_the_start_with_the_key_named()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), """{ "SftpKit": { "Policies": { "Umask": "0899" } } }""");
        try
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                SampleServerProcess.StartAsync(dir, ["serve", "--config-dir", dir, "--port", "0", "--address", "127.0.0.1"]));
            Assert.Contains("Umask", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<bool> LogsInAsync(SampleServerProcess server, string user, string password)
    {
        using var client = server.SftpClient(user, password);
        try
        {
            await client.ConnectAsync(CancellationToken.None);
            client.Disconnect();
            return true;
        }
        catch (SshAuthenticationException)
        {
            return false;
        }
    }
}
