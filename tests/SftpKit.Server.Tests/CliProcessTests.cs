using System.Text.Json.Nodes;
using Renci.SshNet.Common;

namespace SftpKit.Server.Tests;

/// <summary>The account commands (<c>initprovider</c>, <c>users add|list|passwd|remove</c>) against a served config directory.</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task Account_lifecycle_through_the_cli_is_what_the_server_accepts()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        // YAML configuration in the config directory: the server version shows it was read.
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.yaml"),
            "SftpKit:\n  ServerVersion: SftpKit_FromYaml\n  Defender:\n    FailedPasswordDelay: \"00:00:00\"\n  Http:\n    Enabled: false\n");
        string[] config = ["--config-dir", dir];

        var init = await SampleServerProcess.RunCliAsync(["initprovider", .. config]);
        Assert.True(init.ExitCode == 0, init.StandardError);
        Assert.Contains("schema version", init.Text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "sftpkit.db")));

        var add = await SampleServerProcess.RunCliAsync(["users", "add", "carol", "--password-stdin", .. config], "first password 1\n");
        Assert.True(add.ExitCode == 0, add.StandardError);
        var duplicate = await SampleServerProcess.RunCliAsync(["users", "add", "carol", "--password", "x", .. config]);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.StandardError, StringComparison.Ordinal);

        var listed = await SampleServerProcess.RunCliAsync(["users", "list", "--json", .. config]);
        Assert.True(listed.ExitCode == 0, listed.StandardError);
        var carol = JsonNode.Parse(listed.Text)!.AsArray().Single(a => a!["userName"]!.GetValue<string>() == "carol")!;
        Assert.True(carol["hasPassword"]!.GetValue<bool>());
        Assert.Equal(Path.Combine(dir, "home", "carol"), carol["homeDirectory"]!.GetValue<string>());
        var table = await SampleServerProcess.RunCliAsync(["users", "list", .. config]);
        Assert.Matches(@"(?m)^NAME\s+ENABLED", table.Text);
        Assert.Matches(@"(?m)^carol\s+yes\s+yes", table.Text);

        await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]);
        Assert.True(await LogsInAsync(server, "carol", "first password 1"));

        var passwd = await SampleServerProcess.RunCliAsync(["users", "passwd", "carol", "--password-stdin", .. config], "second password 2\n");
        Assert.True(passwd.ExitCode == 0, passwd.StandardError);
        // The SQL store caches a login for up to 5 s (SftpKit:Sql:AuthCacheDuration): bounded polls.
        Assert.True(await SampleServerProcess.EventuallyAsync(() => LogsInAsync(server, "carol", "second password 2"), TimeSpan.FromSeconds(30)));
        Assert.True(await SampleServerProcess.EventuallyAsync(async () => !await LogsInAsync(server, "carol", "first password 1"), TimeSpan.FromSeconds(30)));

        var remove = await SampleServerProcess.RunCliAsync(["users", "remove", "carol", .. config]);
        Assert.True(remove.ExitCode == 0, remove.StandardError);
        var after = await SampleServerProcess.RunCliAsync(["users", "list", "--json", .. config]);
        Assert.DoesNotContain(JsonNode.Parse(after.Text)!.AsArray(), a => a!["userName"]!.GetValue<string>() == "carol");
        Assert.True(await SampleServerProcess.EventuallyAsync(async () => !await LogsInAsync(server, "carol", "second password 2"), TimeSpan.FromSeconds(30)));
        var again = await SampleServerProcess.RunCliAsync(["users", "remove", "carol", .. config]);
        Assert.Equal(1, again.ExitCode);

        var unknown = await SampleServerProcess.RunCliAsync(["users", "frobnicate", .. config]);
        Assert.NotEqual(0, unknown.ExitCode);
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private static async Task<bool> LogsInAsync(SampleServerProcess server, string user, string password)
    {
        using var client = server.SftpClient(user, password);
        try
        {
            await client.ConnectAsync(CancellationToken.None);
            Assert.Equal("SSH-2.0-SftpKit_FromYaml", client.ConnectionInfo.ServerVersion);
            client.Disconnect();
            return true;
        }
        catch (SshAuthenticationException)
        {
            return false;
        }
    }
}
