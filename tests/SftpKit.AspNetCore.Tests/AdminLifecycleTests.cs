using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Renci.SshNet.Common;

namespace SftpKit.AspNetCore.Tests;

/// <summary>The whole path an operator takes: token, account, a real client's session, quota, forcible close.</summary>
public sealed class AdminLifecycleTests
{
    [Fact]
    public async Task Account_created_through_the_api_logs_in_is_listed_scanned_and_disconnected()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());

        using (var created = await api.PostJsonAsync("/api/v2/users", server.NewAccount("alice")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/api/v2/users/alice", created.Headers.Location?.OriginalString);
            var body = (await created.BodyAsync())!.AsObject();
            Assert.False(body.ContainsKey("passwordHash"));
            Assert.False(body.ContainsKey("password"));
            Assert.True(body["hasPassword"]!.GetValue<bool>());
        }
        // Stored hashed with argon2id, never the plain text.
        var stored = await server.Users.FindAsync("alice", CancellationToken.None);
        Assert.StartsWith("$argon2id$", stored!.PasswordHash);
        Assert.DoesNotContain(AdminTestServer.UserPassword, stored.PasswordHash, StringComparison.Ordinal);

        using var sftp = server.SftpClient("alice");
        await sftp.ConnectAsync(CancellationToken.None);
        byte[] content = Encoding.UTF8.GetBytes(new string('x', 12345));
        using (var upload = new MemoryStream(content))
        {
            await sftp.UploadFileAsync(upload, "/report.csv", CancellationToken.None);
        }

        // The live connection, with its user and uploaded bytes.
        string connectionId = "";
        Assert.True(await AdminTestServer.WaitForAsync(async () =>
        {
            using var list = await api.GetAsync("/api/v2/connections?userName=alice");
            var connections = (await list.BodyAsync())!.AsArray();
            if (connections.Count != 1 || connections[0]!["bytesUploaded"]!.GetValue<long>() < content.Length)
            {
                return false;
            }
            connectionId = connections[0]!["id"]!.GetValue<string>();
            Assert.Equal("127.0.0.1", connections[0]!["remoteAddress"]!.GetValue<string>());
            return true;
        }));

        // A background quota scan finds the uploaded file.
        using (var scan = await api.PostAsync("/api/v2/quotas/users/alice/scan", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, scan.StatusCode);
            Assert.Equal("/api/v2/quotas/users/alice/scan", scan.Headers.Location?.OriginalString);
        }
        Assert.True(await AdminTestServer.WaitForAsync(async () =>
        {
            using var status = await api.GetAsync("/api/v2/quotas/users/alice/scan");
            return (await status.BodyAsync())!["state"]!.GetValue<string>() == "Completed";
        }));
        using (var quota = await api.GetAsync("/api/v2/quotas/users/alice"))
        {
            var usage = (await quota.BodyAsync())!;
            Assert.Equal(content.Length, usage["usedSize"]!.GetValue<long>());
            Assert.Equal(1, usage["usedFiles"]!.GetValue<long>());
        }
        // Reset through the API.
        using (var reset = await api.PutJsonAsync("/api/v2/quotas/users/alice/usage", new JsonObject { ["usedSize"] = 0, ["usedFiles"] = 0 }))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.Equal(0, (await reset.BodyAsync())!["usedSize"]!.GetValue<long>());
        }

        // Forcible close: the client sees the disconnect.
        using (var close = await api.DeleteAsync("/api/v2/connections/" + connectionId))
        {
            Assert.Equal(HttpStatusCode.NoContent, close.StatusCode);
        }
        Assert.True(await AdminTestServer.WaitForAsync(() => Task.FromResult(!sftp.IsConnected)));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in sftp.ListDirectoryAsync("/", CancellationToken.None))
            {
            }
        });
        using (var list = await api.GetAsync("/api/v2/connections?userName=alice"))
        {
            Assert.Empty((await list.BodyAsync())!.AsArray());
        }
        using (var again = await api.DeleteAsync("/api/v2/connections/" + connectionId))
        {
            await again.AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Update_keeps_the_password_unless_given_and_delete_stops_logins()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        using (var created = await api.PostJsonAsync("/api/v2/users", server.NewAccount("bob")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        string hash = (await server.Users.FindAsync("bob", CancellationToken.None))!.PasswordHash!;

        // A GET body sent back with a change is a valid PUT; the hash stays.
        var account = (await (await api.GetAsync("/api/v2/users/bob")).BodyAsync())!.AsObject();
        account["quotaSize"] = 1_000_000;
        account["permissions"] = new JsonObject { ["/"] = new JsonArray("list", "download"), ["//uploads/"] = new JsonArray("*") };
        using (var updated = await api.PutJsonAsync("/api/v2/users/bob", account))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var body = (await updated.BodyAsync())!;
            Assert.Equal(1_000_000, body["quotaSize"]!.GetValue<long>());
            // Virtual paths come back normalised.
            Assert.NotNull(body["permissions"]!["/uploads"]);
        }
        Assert.Equal(hash, (await server.Users.FindAsync("bob", CancellationToken.None))!.PasswordHash);

        // A new password is hashed anew; the old one stops working for SFTP.
        account = (await (await api.GetAsync("/api/v2/users/bob")).BodyAsync())!.AsObject();
        account["password"] = "brand new password";
        using (var changed = await api.PutJsonAsync("/api/v2/users/bob", account))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        using (var old = server.SftpClient("bob"))
        {
            await Assert.ThrowsAsync<SshAuthenticationException>(() => old.ConnectAsync(CancellationToken.None));
        }
        using (var fresh = server.SftpClient("bob", "brand new password"))
        {
            await fresh.ConnectAsync(CancellationToken.None);
            fresh.Disconnect();
        }

        using (var deleted = await api.DeleteAsync("/api/v2/users/bob"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await api.GetAsync("/api/v2/users/bob"))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var client = server.SftpClient("bob", "brand new password"))
        {
            await Assert.ThrowsAsync<SshAuthenticationException>(() => client.ConnectAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Secret_storage_settings_are_redacted_and_kept_on_update()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var account = new JsonObject
        {
            ["userName"] = "nina",
            ["password"] = AdminTestServer.UserPassword,
            ["fileSystem"] = new JsonObject
            {
                ["provider"] = "memory",
                ["root"] = "nina",
                ["settings"] = new JsonObject { ["secretAccessKey"] = "s3-secret-value", ["sseCustomerKey"] = "sse-c-key-value", ["region"] = "eu-west-1" },
            },
        };
        using (var created = await api.PostJsonAsync("/api/v2/users", account))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            string text = await created.Content.ReadAsStringAsync();
            Assert.DoesNotContain("s3-secret-value", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sse-c-key-value", text, StringComparison.Ordinal);
        }
        var read = (await (await api.GetAsync("/api/v2/users/nina")).BodyAsync())!.AsObject();
        Assert.Equal("[redacted]", read["fileSystem"]!["settings"]!["secretAccessKey"]!.GetValue<string>());
        Assert.Equal("[redacted]", read["fileSystem"]!["settings"]!["sseCustomerKey"]!.GetValue<string>());
        Assert.Equal("eu-west-1", read["fileSystem"]!["settings"]!["region"]!.GetValue<string>());
        read["description"] = "changed";
        using (var updated = await api.PutJsonAsync("/api/v2/users/nina", read))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }
        var stored = await server.Users.FindAsync("nina", CancellationToken.None);
        Assert.Equal("s3-secret-value", stored!.FileSystem!.Settings["secretAccessKey"]);
        Assert.Equal("sse-c-key-value", stored.FileSystem.Settings["sseCustomerKey"]);
        Assert.Equal("changed", stored.Description);
    }
}
