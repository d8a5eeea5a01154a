using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SftpKit.Server.Tests;

/// <summary>
/// Moving from SFTPGo: its backup (TestData/sftpgo-backup.json, real bcrypt, argon2id and pbkdf2-sha256 hashes)
/// imported with <c>import-sftpgo</c>, the old passwords working over OpenSSH <c>sftp</c>, the report naming what did not
/// carry over; an SFTPGo user body through <c>/api/v2/sftpgo/users</c>; and <c>dumpdata</c> / <c>loaddata</c>.
/// </summary>
public sealed class SftpGoImportProcessTests
{
    [Fact]
    public async Task An_sftpgo_backup_imports_and_its_users_log_in_with_their_old_passwords()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await File.WriteAllTextAsync(Path.Combine(dir, "sftpkit.yaml"), "SftpKit:\n  Defender:\n    FailedPasswordDelay: \"00:00:00\"\n");
        string[] config = ["--config-dir", dir];
        // The export's paths, moved under the test directory; the shared folder holds a file already.
        string root = Path.Combine(dir, "sftpgo");
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        await File.WriteAllTextAsync(Path.Combine(root, "shared", "handbook.txt"), "from the old server");
        string dump = Path.Combine(dir, "dump.json");
        await File.WriteAllTextAsync(dump, (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "sftpgo-backup.json")))
            .Replace("/var/lib/sftpgo", root, StringComparison.Ordinal));

        string reportFile = Path.Combine(dir, "report.json");
        var import = await SampleServerProcess.RunCliAsync(["import-sftpgo", dump, "--report", reportFile, .. config]);
        Assert.True(import.ExitCode == 0, import.Text + import.StandardError);
        Assert.Contains("5 accounts added", import.Text, StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(reportFile))!.AsArray()
            .Select(i => (Path: i!["path"]!.GetValue<string>(), Reason: i["reason"]!.GetValue<string>())).ToList();
        // What does not map is listed, with where and why.
        Assert.Contains(report, i => i.Path == "users[4]" && i.Reason.Contains("gcsuser", StringComparison.Ordinal) && i.Reason.Contains("Google Cloud Storage", StringComparison.Ordinal));
        Assert.Contains(report, i => i.Path == "users[5].filesystem.sftpconfig.password" && i.Reason.Contains("Secretbox", StringComparison.Ordinal));
        Assert.Contains(report, i => i.Path == "users[0].filters.web_client");
        Assert.Contains(report, i => i.Path == "users[0].filters.denied_login_methods" && i.Reason.Contains("publickey+password", StringComparison.Ordinal));
        Assert.Contains(report, i => i.Path == "users[1].filters.denied_protocols" && i.Reason.Contains("'FTP'", StringComparison.Ordinal));
        Assert.Contains(report, i => i.Path == "users[3].filesystem.s3config.upload_part_max_time");
        Assert.Contains(report, i => i.Path == "groups[0].user_settings.expires_in");
        Assert.Contains(report, i => i.Path == "admins[1].permissions" && i.Reason.Contains("view_users", StringComparison.Ordinal));
        Assert.Contains(report, i => i.Path == "api_keys[0]");
        Assert.Contains(report, i => i.Path == "ip_lists[0]");
        Assert.Contains(report, i => i.Path == "event_actions[1].type");
        Assert.Contains(report, i => i.Path.StartsWith("event_rules[1]", StringComparison.Ordinal) && i.Reason.Contains("check-metadata", StringComparison.Ordinal));
        // Mapped fields are not reported.
        Assert.DoesNotContain(report, i => i.Path.StartsWith("users[0].permissions", StringComparison.Ordinal) || i.Path.StartsWith("users[3].filesystem.s3config.bucket", StringComparison.Ordinal));

        var listed = await SampleServerProcess.RunCliAsync(["users", "list", "--json", .. config]);
        var names = JsonNode.Parse(listed.Text)!.AsArray().Select(a => a!["userName"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["alice", "bob", "carol", "s3user", "sftpuser"], names);

        await using var server = await SampleServerProcess.StartAsync(dir, ["serve", .. config, "--port", "0", "--address", "127.0.0.1"]);
        string local = Path.Combine(dir, "local");
        Directory.CreateDirectory(local);
        await File.WriteAllTextAsync(Path.Combine(local, "up.txt"), "uploaded after the move");
        // bcrypt ($2a$10$), argon2id (m=65536,t=1,p=2) and pbkdf2-sha256 hashes, as SFTPGo wrote them.
        foreach (var (user, password) in new[] { ("alice", "alice-old-pass"), ("bob", "bob-old-pass"), ("carol", "carol-old-pass") })
        {
            var session = await server.RunOpenSshSftpAsync(user, password, "put up.txt\nls -1", local);
            Assert.True(session.ExitCode == 0, $"{user}: {session.Text}{session.StandardError}");
            Assert.Equal("uploaded after the move", await File.ReadAllTextAsync(Path.Combine(root, "data", user, "up.txt")));
        }
        var wrong = await server.RunOpenSshSftpAsync("alice", "not-the-old-pass", "ls", local);
        Assert.NotEqual(0, wrong.ExitCode);
        // alice's virtual folder maps to the export's shared directory.
        var shared = await server.RunOpenSshSftpAsync("alice", "alice-old-pass", "ls -1 /shared", local);
        Assert.True(shared.ExitCode == 0, shared.Text + shared.StandardError);
        Assert.Contains("handbook.txt", shared.Text, StringComparison.Ordinal);

        // The imported admin logs in with its old (bcrypt) password and creates an account from an SFTPGo user body.
        string token = await server.TokenAsync("migrated-admin", "admin-old-pass");
        using var api = server.AdminClient(token);
        var body = new JsonObject
        {
            ["status"] = 1,
            ["username"] = "dave",
            ["password"] = "dave-new-password-1",
            ["home_dir"] = Path.Combine(root, "data", "dave"),
            ["permissions"] = new JsonObject { ["/"] = new JsonArray("*"), ["/shared"] = new JsonArray("list", "download") },
            ["quota_size"] = 1048576,
            ["quota_files"] = 100,
            ["upload_bandwidth"] = 256,
            ["filters"] = new JsonObject { ["allowed_ip"] = new JsonArray("127.0.0.1/32"), ["max_upload_file_size"] = 65536 },
            ["virtual_folders"] = new JsonArray(new JsonObject { ["name"] = "shared", ["virtual_path"] = "/shared" }),
            ["groups"] = new JsonArray(new JsonObject { ["name"] = "staff", ["type"] = 2 }),
        };
        using var created = await api.PostAsJsonAsync("/api/v2/sftpgo/users", body);
        string createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        var answer = JsonNode.Parse(createdText)!;
        Assert.Equal("dave", answer["username"]!.GetValue<string>());
        Assert.Null(answer["password"]);
        Assert.Equal(1048576, answer["quota_size"]!.GetValue<long>());
        Assert.Equal("/shared", answer["virtual_folders"]![0]!["virtual_path"]!.GetValue<string>());
        var davesSession = await server.RunOpenSshSftpAsync("dave", "dave-new-password-1", "put up.txt\nls -1 /shared", local);
        Assert.True(davesSession.ExitCode == 0, davesSession.Text + davesSession.StandardError);
        Assert.Contains("handbook.txt", davesSession.Text, StringComparison.Ordinal);

        body["quota_files"] = 200;
        body.Remove("password"); // absent: the stored password stays
        using var updated = await api.PutAsJsonAsync("/api/v2/sftpgo/users/dave", body);
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        var read = JsonNode.Parse(await api.GetStringAsync("/api/v2/sftpgo/users/dave"))!;
        Assert.Equal(200, read["quota_files"]!.GetValue<long>());
        Assert.True(read["has_password"]!.GetValue<bool>());
        var s3 = JsonNode.Parse(await api.GetStringAsync("/api/v2/sftpgo/users/s3user"))!["filesystem"]!;
        Assert.Equal(1, s3["provider"]!.GetValue<int>());
        Assert.Equal("legacy-bucket", s3["s3config"]!["bucket"]!.GetValue<string>());
        Assert.Equal("Redacted", s3["s3config"]!["access_secret"]!["status"]!.GetValue<string>());
        using var deleted = await api.DeleteAsync("/api/v2/sftpgo/users/dave");
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
        using var gone = await api.GetAsync("/api/v2/sftpgo/users/dave");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        // The same import through the API: everything exists already (add-only), the report comes back.
        using var content = new StringContent(await File.ReadAllTextAsync(dump), System.Text.Encoding.UTF8, "application/json");
        using var again = await api.PostAsync("/api/v2/loaddata?format=sftpgo", content);
        string againText = await again.Content.ReadAsStringAsync();
        Assert.True(again.StatusCode == HttpStatusCode.OK, againText);
        var restored = JsonNode.Parse(againText)!;
        Assert.Equal(5, restored["skipped"]!.GetValue<int>());
        Assert.Contains(restored["issues"]!.AsArray(), i => i!["path"]!.GetValue<string>() == "api_keys[0]");
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Dumpdata_then_loaddata_round_trips_through_the_cli()
    {
        string source = await SampleServerProcess.NewConfigDirectoryAsync(withHostKey: false);
        string target = await SampleServerProcess.NewConfigDirectoryAsync(withHostKey: false);
        foreach (var (name, password) in new[] { ("erin", "erin password 1"), ("frank", "frank password 2") })
        {
            var add = await SampleServerProcess.RunCliAsync(["users", "add", name, "--password-stdin", "--config-dir", source], password + "\n");
            Assert.True(add.ExitCode == 0, add.StandardError);
        }
        string file = Path.Combine(source, "backup.json");
        var dump = await SampleServerProcess.RunCliAsync(["dumpdata", file, "--config-dir", source]);
        Assert.True(dump.ExitCode == 0, dump.StandardError);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var load = await SampleServerProcess.RunCliAsync(["loaddata", file, "--config-dir", target]);
        Assert.True(load.ExitCode == 0, load.Text + load.StandardError);
        Assert.Contains("2 accounts added", load.Text, StringComparison.Ordinal);
        var twice = await SampleServerProcess.RunCliAsync(["loaddata", file, "--config-dir", target]);
        Assert.Contains("0 accounts added, 0 replaced, 2 skipped", twice.Text, StringComparison.Ordinal);
        var replace = await SampleServerProcess.RunCliAsync(["loaddata", file, "--mode", "replace", "--config-dir", target]);
        Assert.Contains("2 replaced", replace.Text, StringComparison.Ordinal);
        var bad = await SampleServerProcess.RunCliAsync(["loaddata", file, "--mode", "merge", "--config-dir", target]);
        Assert.NotEqual(0, bad.ExitCode);

        // The second store now holds the same accounts, hashes included.
        string again = Path.Combine(target, "backup.json");
        Assert.Equal(0, (await SampleServerProcess.RunCliAsync(["dumpdata", again, "--config-dir", target])).ExitCode);
        static List<string?> Accounts(string path) => JsonNode.Parse(File.ReadAllText(path))!["users"]!.AsArray()
            .Select(u => u!["userName"]!.GetValue<string>() + " " + u["passwordHash"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList<string?>();
        Assert.Equal(Accounts(file), Accounts(again));
        await using var server = await SampleServerProcess.StartAsync(target, ["serve", "--config-dir", target, "--port", "0", "--address", "127.0.0.1"]);
        string local = Path.Combine(target, "local");
        Directory.CreateDirectory(local);
        var session = await server.RunOpenSshSftpAsync("erin", "erin password 1", "ls", local);
        Assert.True(session.ExitCode == 0, session.Text + session.StandardError);
        await server.DisposeAsync();
        Directory.Delete(source, recursive: true);
        Directory.Delete(target, recursive: true);
    }
}
