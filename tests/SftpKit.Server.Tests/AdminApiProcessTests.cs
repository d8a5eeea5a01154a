using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.Server.Tests;

/// <summary>The sample as an operator meets it: first start, one-time admin password, REST account, real clients.</summary>
public sealed class AdminApiProcessTests
{
    [Fact]
    public async Task First_start_admin_creates_an_account_that_logs_in_is_listed_closed_and_scanned()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        const string userPassword = "bob password 123";
        const string adminPassword = "first start admin password 77";
        var env = new Dictionary<string, string> { ["SFTPKIT__SERVERVERSION"] = "SftpKit_FromEnv", [SampleServerProcess.AdminPasswordVariable] = adminPassword };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["serve", "--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], env))
        {
            // The password is never printed nor logged.
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains(adminPassword, StringComparison.Ordinal));
            // The admin lives in the SQLite database with the accounts; only its hash is stored there.
            Assert.False(File.Exists(Path.Combine(dir, "admins.json")));
            foreach (string file in Directory.GetFiles(dir, "sftpkit.db*"))
            {
                Assert.DoesNotContain(adminPassword, System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
            }

            using var anonymous = server.AdminClient();
            using (var health = await anonymous.GetAsync("/healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }
            using (var openApi = await anonymous.GetAsync("/openapi/v1.json"))
            {
                Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
                Assert.Contains("/api/v2/users", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            using (var refused = await anonymous.GetAsync("/api/v2/users"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using var api = server.AdminClient(await server.TokenAsync("admin", adminPassword));
            var account = new JsonObject { ["userName"] = "bob", ["password"] = userPassword, ["homeDirectory"] = Path.Combine(dir, "home", "bob") };
            using (var created = await api.PostAsync("/api/v2/users", new StringContent(account.ToJsonString(), Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            // SSH.NET uploads a file as bob (and sees the server version set through SFTPKIT__SERVERVERSION).
            byte[] content = Encoding.UTF8.GetBytes(new string('x', 12345));
            using (var sftp = server.SftpClient("bob", userPassword))
            {
                await sftp.ConnectAsync(CancellationToken.None);
                Assert.Equal("SSH-2.0-SftpKit_FromEnv", sftp.ConnectionInfo.ServerVersion);
                using var upload = new MemoryStream(content);
                await sftp.UploadFileAsync(upload, "/report.csv", CancellationToken.None);
                sftp.Disconnect();
            }
            Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(dir, "home", "bob", "report.csv")));

            // OpenSSH sftp stays logged in (its stdin stays open); the API lists it, closes it, and sftp exits.
            var (arguments, environment) = await server.OpenSshSftpAsync("bob", userPassword);
            var info = new ProcessStartInfo("setsid") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            arguments.ForEach(info.ArgumentList.Add);
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
            using var client = Process.Start(info)!;
            // stdout read as it comes, so the test can wait for the listing before it closes the connection.
            var seen = new StringBuilder();
            var clientOut = Task.Run(async () =>
            {
                char[] buffer = new char[4096];
                int read;
                while ((read = await client.StandardOutput.ReadAsync(buffer)) > 0)
                {
                    lock (seen)
                    {
                        seen.Append(buffer, 0, read);
                    }
                }
                lock (seen)
                {
                    return seen.ToString();
                }
            });
            var clientErr = client.StandardError.ReadToEndAsync();
            try
            {
                await client.StandardInput.WriteLineAsync("ls");
                await client.StandardInput.FlushAsync();
                string connectionId = "";
                Assert.True(await SampleServerProcess.EventuallyAsync(async () =>
                {
                    using var list = await api.GetAsync("/api/v2/connections?userName=bob");
                    var connections = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray();
                    var openSsh = connections.FirstOrDefault(c => c!["clientVersion"]?.GetValue<string>().Contains("OpenSSH", StringComparison.Ordinal) == true);
                    connectionId = openSsh?["id"]?.GetValue<string>() ?? "";
                    return connectionId.Length > 0;
                }, TimeSpan.FromSeconds(60)), "OpenSSH's connection never listed: " + server.Describe());
                // The listing answered first, so closing the connection cannot cut it off.
                Assert.True(await SampleServerProcess.EventuallyAsync(() =>
                {
                    lock (seen)
                    {
                        return Task.FromResult(seen.ToString().Contains("report.csv", StringComparison.Ordinal));
                    }
                }, TimeSpan.FromSeconds(60)), "sftp never listed report.csv: " + server.Describe());
                Assert.False(client.HasExited);

                using (var close = await api.DeleteAsync("/api/v2/connections/" + connectionId))
                {
                    Assert.Equal(HttpStatusCode.NoContent, close.StatusCode);
                }
                // sftp notices a dead connection at its next command: with stdin still open, only the close ends it.
                // It may also have noticed the server's disconnect already and exited: then stdin is a broken pipe.
                try
                {
                    await client.StandardInput.WriteLineAsync("ls");
                    await client.StandardInput.FlushAsync();
                }
                catch (IOException)
                {
                }
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await client.WaitForExitAsync(exited.Token);
                Assert.NotEqual(0, client.ExitCode);
                Assert.Contains("report.csv", await clientOut, StringComparison.Ordinal);
                Assert.Contains("Connection closed", await clientErr, StringComparison.Ordinal);
                using var after = await api.GetAsync("/api/v2/connections?userName=bob");
                Assert.Empty(JsonNode.Parse(await after.Content.ReadAsStringAsync())!.AsArray());
            }
            finally
            {
                if (!client.HasExited)
                {
                    client.Kill(entireProcessTree: true);
                }
                _ = await clientErr;
            }

            // A quota scan through the API finds the uploaded file.
            using (var scan = await api.PostAsync("/api/v2/quotas/users/bob/scan", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, scan.StatusCode);
            }
            Assert.True(await SampleServerProcess.EventuallyAsync(async () =>
            {
                using var status = await api.GetAsync("/api/v2/quotas/users/bob/scan");
                return JsonNode.Parse(await status.Content.ReadAsStringAsync())!["state"]!.GetValue<string>() == "Completed";
            }, TimeSpan.FromSeconds(60)));
            using (var quota = await api.GetAsync("/api/v2/quotas/users/bob"))
            {
                var usage = JsonNode.Parse(await quota.Content.ReadAsStringAsync())!;
                Assert.Equal(content.Length, usage["usedSize"]!.GetValue<long>());
                Assert.Equal(1, usage["usedFiles"]!.GetValue<long>());
            }
        }

        // A second start keeps the admin: no new password is printed and the first one still works.
        await using (var again = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"]))
        {
            Assert.Null(again.InitialAdminPassword);
            Assert.False(string.IsNullOrEmpty(await again.TokenAsync("admin", adminPassword)));
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Without_an_admin_password_no_admin_is_made_up_and_the_setup_page_is_offered_to_loopback()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"]))
        {
            Assert.Null(server.InitialAdminPassword);
            using var anonymous = server.AdminClient();
            using var setup = await anonymous.GetAsync("/web/admin/setup");
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
            Assert.Contains("Create the first admin", await setup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            // The start page is the account holders' pages.
            using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.AdminUri };
            using var root = await noRedirects.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
            Assert.Equal("/web/client", root.Headers.Location!.OriginalString);
        }
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Initial_admin_password_can_come_from_the_environment_and_the_api_can_be_disabled()
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        var env = new Dictionary<string, string> { [SampleServerProcess.AdminPasswordVariable] = "operator chosen password 42" };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], env))
        {
            Assert.Null(server.InitialAdminPassword);
            Assert.DoesNotContain(server.StandardOutput, l => l.Contains("operator chosen password 42", StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(await server.TokenAsync("admin", "operator chosen password 42")));
        }

        var disabled = new Dictionary<string, string> { ["SFTPKIT__HTTP__ENABLED"] = "false" };
        await using (var server = await SampleServerProcess.StartAsync(dir, ["--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], disabled))
        {
            Assert.Null(server.AdminUri);
            Assert.Contains(server.StandardOutput, l => l.Contains("\"AdminApiDisabled\"", StringComparison.Ordinal));
        }
        Directory.Delete(dir, recursive: true);
    }
}
