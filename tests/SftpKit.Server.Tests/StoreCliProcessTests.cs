using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.Server.Tests;

/// <summary>
/// <c>admins list|add|resetpwd</c> and <c>revertprovider</c> through the sample process, on the SQL store (the default,
/// SQLite; the commands run while the server serves) and on the JSON files.
/// </summary>
public sealed class StoreCliProcessTests
{
    [Fact]
    public async Task Admins_cli_on_the_sql_store_while_serving_and_resetpwd_restores_access()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string[] config = ["--config-dir", dir];
        try
        {
            await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]);

            var add = await SampleServerProcess.RunCliAsync(["admins", "add", "ops", "--password-stdin", .. config], "first admin password\n");
            Assert.True(add.ExitCode == 0, add.StandardError);
            var limited = await SampleServerProcess.RunCliAsync(
                ["admins", "add", "helpdesk", "--password-stdin", "--permission", "manage_users", "--permission", "view_connections", .. config], "helpdesk password\n");
            Assert.True(limited.ExitCode == 0, limited.StandardError);
            var bad = await SampleServerProcess.RunCliAsync(["admins", "add", "x", "--password-stdin", "--permission", "make_coffee", .. config], "pw\n");
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("Unknown permission make_coffee", bad.StandardError, StringComparison.Ordinal);
            var noRole = await SampleServerProcess.RunCliAsync(["admins", "add", "x", "--password-stdin", "--role", "nowhere", .. config], "pw\n");
            Assert.Equal(1, noRole.ExitCode);
            Assert.Contains("No role nowhere", noRole.StandardError, StringComparison.Ordinal);
            var duplicate = await SampleServerProcess.RunCliAsync(["admins", "add", "ops", "--password-stdin", .. config], "pw\n");
            Assert.Equal(1, duplicate.ExitCode);

            var listed = await SampleServerProcess.RunCliAsync(["admins", "list", "--json", .. config]);
            Assert.True(listed.ExitCode == 0, listed.StandardError);
            var admins = JsonNode.Parse(listed.Text)!.AsArray();
            Assert.Equal(["*"], admins.Single(a => a!["userName"]!.GetValue<string>() == "ops")!["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.Equal(["manage_users", "view_connections"],
                admins.Single(a => a!["userName"]!.GetValue<string>() == "helpdesk")!["permissions"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.DoesNotContain("argon2", listed.Text, StringComparison.Ordinal);
            var table = await SampleServerProcess.RunCliAsync(["admins", "list", .. config]);
            Assert.Matches(@"(?m)^NAME\s+ENABLED\s+ROLE\s+PERMISSIONS", table.Text);
            Assert.Matches(@"(?m)^helpdesk\s+yes\s+-\s+manage_users,view_connections\s+any", table.Text);

            // The running server takes the admin the CLI created.
            using (var api = server.AdminClient(await server.TokenAsync("ops", "first admin password")))
            using (var users = await api.GetAsync("/api/v2/users"))
            {
                Assert.Equal(HttpStatusCode.OK, users.StatusCode);
            }

            // Lost password: reset from the host, then the new one works and the old one does not.
            var reset = await SampleServerProcess.RunCliAsync(["admins", "resetpwd", "ops", "--password-stdin", .. config], "second admin password\n");
            Assert.True(reset.ExitCode == 0, reset.StandardError);
            Assert.Contains("Password of admin ops reset", reset.Text, StringComparison.Ordinal);
            Assert.True(await SampleServerProcess.EventuallyAsync(async () => await TokenStatusAsync(server, "ops", "second admin password") == HttpStatusCode.OK, TimeSpan.FromSeconds(30)));
            Assert.NotEqual(HttpStatusCode.OK, await TokenStatusAsync(server, "ops", "first admin password"));
            Assert.False(string.IsNullOrEmpty(await server.TokenAsync("ops", "second admin password")));

            var missing = await SampleServerProcess.RunCliAsync(["admins", "resetpwd", "nobody", "--password-stdin", .. config], "pw\n");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("No admin nobody", missing.StandardError, StringComparison.Ordinal);
            var empty = await SampleServerProcess.RunCliAsync(["admins", "resetpwd", "ops", "--password-stdin", .. config], "\n");
            Assert.Equal(1, empty.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Admins_cli_on_the_json_store_writes_admins_json_that_the_server_reads()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string[] config = ["--config-dir", dir];
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.json"), """{ "SftpKit": { "AccountStore": "json" } }""");
        try
        {
            var add = await SampleServerProcess.RunCliAsync(["admins", "add", "ops", "--password-stdin", .. config], "json admin password\n");
            Assert.True(add.ExitCode == 0, add.StandardError);
            Assert.True(File.Exists(Path.Combine(dir, "admins.json")));
            Assert.False(File.Exists(Path.Combine(dir, "sftpkit.db")));
            await using (var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]))
            {
                Assert.False(string.IsNullOrEmpty(await server.TokenAsync("ops", "json admin password")));
            }
            // The server reads admins.json at start: reset while it is stopped, then start it again.
            var reset = await SampleServerProcess.RunCliAsync(["admins", "resetpwd", "ops", "--password-stdin", .. config], "new json password\n");
            Assert.True(reset.ExitCode == 0, reset.StandardError);
            await using (var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]))
            {
                Assert.False(string.IsNullOrEmpty(await server.TokenAsync("ops", "new json password")));
                Assert.NotEqual(HttpStatusCode.OK, await TokenStatusAsync(server, "ops", "json admin password"));
            }

            // revertprovider has nothing to revert in JSON files, and says so.
            var revert = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "1", "--yes", .. config]);
            Assert.Equal(1, revert.ExitCode);
            Assert.Contains("no schema versions", revert.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Revertprovider_then_initprovider_keeps_accounts_and_admins_on_sqlite()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        string[] config = ["--config-dir", dir];
        try
        {
            var init = await SampleServerProcess.RunCliAsync(["initprovider", .. config]);
            Assert.True(init.ExitCode == 0, init.StandardError);
            Assert.Contains("schema version 8 (latest 8)", init.Text, StringComparison.Ordinal);
            Assert.True((await SampleServerProcess.RunCliAsync(["users", "add", "carol", "--password-stdin", .. config], "carol password 1\n")).ExitCode == 0);
            Assert.True((await SampleServerProcess.RunCliAsync(["admins", "add", "ops", "--password-stdin", .. config], "ops password 1\n")).ExitCode == 0);

            var unconfirmed = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "1", .. config], "");
            Assert.Equal(1, unconfirmed.ExitCode);
            Assert.Contains("--yes", unconfirmed.StandardError, StringComparison.Ordinal);
            var tooFar = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "99", "--yes", .. config]);
            Assert.Equal(1, tooFar.ExitCode);

            var toFour = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "4", "--yes", .. config]);
            Assert.True(toFour.ExitCode == 0, toFour.StandardError);
            Assert.Contains("reverted from version 8 to 4", toFour.Text, StringComparison.Ordinal);
            Assert.Contains("Reverted schema migration 5", toFour.StandardError, StringComparison.Ordinal);
            var toOne = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "1", "--yes", .. config]);
            Assert.True(toOne.ExitCode == 0, toOne.StandardError);
            Assert.Contains("reverted from version 4 to 1", toOne.Text, StringComparison.Ordinal);
            var again = await SampleServerProcess.RunCliAsync(["revertprovider", "--to", "1", "--yes", .. config]);
            Assert.True(again.ExitCode == 0, again.StandardError);
            Assert.Contains("nothing to revert", again.Text, StringComparison.Ordinal);

            var up = await SampleServerProcess.RunCliAsync(["initprovider", .. config]);
            Assert.True(up.ExitCode == 0, up.StandardError);
            Assert.Contains("schema version 8 (latest 8)", up.Text, StringComparison.Ordinal);
            await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]);
            using (var sftp = server.SftpClient("carol", "carol password 1"))
            {
                await sftp.ConnectAsync(CancellationToken.None);
                using var upload = new MemoryStream(Encoding.UTF8.GetBytes("still here"));
                await sftp.UploadFileAsync(upload, "/after-revert.txt", CancellationToken.None);
                sftp.Disconnect();
            }
            Assert.Equal("still here", await File.ReadAllTextAsync(Path.Combine(dir, "home", "carol", "after-revert.txt")));
            using var api = server.AdminClient(await server.TokenAsync("ops", "ops password 1"));
            var group = new JsonObject { ["name"] = "staff" };
            using var created = await api.PostAsync("/api/v2/groups", new StringContent(group.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode); // a table of version 5, back and writable
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(SampleServerProcess server, string admin, string password)
    {
        using var client = server.AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(admin + ":" + password)));
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
