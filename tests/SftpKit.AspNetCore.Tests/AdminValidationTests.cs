using System.Net;
using System.Text.Json.Nodes;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Bad input gets RFC 7807 problem details naming every bad field, and changes nothing.</summary>
public sealed class AdminValidationTests
{
    [Fact]
    public async Task Every_bad_account_field_is_named_and_nothing_is_created()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var body = new JsonObject
        {
            ["userName"] = "bad/name",
            ["password"] = "x",
            ["homeDirectory"] = "relative/home",
            ["fileSystem"] = new JsonObject { ["provider"] = "ftp" },
            ["virtualFolders"] = new JsonArray(new JsonObject
            {
                ["name"] = "shared",
                ["virtualPath"] = "/shared/../../etc",
                ["fileSystem"] = new JsonObject { ["provider"] = "local", ["root"] = "/srv/../etc" },
                ["quotaFiles"] = -5,
            }),
            ["permissions"] = new JsonObject { ["/in"] = new JsonArray("list", "fly") },
            ["allowedIPs"] = new JsonArray("10.0.0.0/8", "10.0.0.0/33", "nonsense"),
            ["deniedLoginMethods"] = new JsonArray("telepathy"),
            ["quotaSize"] = -1,
            ["maxSessions"] = -2,
            ["publicKeys"] = new JsonArray("ssh-ed25519 not-base64!"),
        };
        using var response = await api.PostJsonAsync("/api/v2/users", body);
        var fields = await response.AssertValidationProblemAsync();
        string[] expected =
        [
            "userName", "fileSystem.provider", "virtualFolders[0].virtualPath", "virtualFolders[0].fileSystem.root",
            "virtualFolders[0].quotaFiles", "permissions[/in]", "allowedIPs[1]", "allowedIPs[2]", "deniedLoginMethods[0]",
            "quotaSize", "maxSessions", "publicKeys[0]",
        ];
        foreach (string field in expected)
        {
            Assert.Contains(field, fields);
        }
        Assert.DoesNotContain("allowedIPs[0]", fields);
        Assert.Empty(server.Users.Snapshot());
    }

    [Theory]
    [InlineData("/srv/../etc", "homeDirectory")]
    [InlineData("srv/home", "homeDirectory")]
    [InlineData("/srv/home\u0001", "homeDirectory")]
    public async Task Home_directory_must_be_absolute_without_traversal(string home, string field)
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var account = server.NewAccount("carol");
        account["homeDirectory"] = home;
        using var response = await api.PostJsonAsync("/api/v2/users", account);
        Assert.Contains(field, await response.AssertValidationProblemAsync());
        Assert.Empty(server.Users.Snapshot());
    }

    [Fact]
    public async Task Wrong_types_unknown_fields_and_malformed_json_are_problems()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());

        var wrongType = server.NewAccount("dave");
        wrongType["quotaSize"] = "lots";
        using (var response = await api.PostJsonAsync("/api/v2/users", wrongType))
        {
            Assert.Contains("quotaSize", await response.AssertValidationProblemAsync());
        }
        var unknown = server.NewAccount("dave");
        unknown["isAdmin"] = true;
        using (var response = await api.PostJsonAsync("/api/v2/users", unknown))
        {
            Assert.Contains("isAdmin", await response.AssertValidationProblemAsync());
        }
        var nested = server.NewAccount("dave");
        nested["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "f", ["virtualPath"] = "/f", ["quotaSize"] = true });
        using (var response = await api.PostJsonAsync("/api/v2/users", nested))
        {
            Assert.Contains("virtualFolders[0].quotaSize", await response.AssertValidationProblemAsync());
        }
        using (var response = await api.PostRawAsync("/api/v2/users", "{\"userName\": \"dave\", "))
        {
            await response.AssertValidationProblemAsync();
        }
        using (var response = await api.PostRawAsync("/api/v2/users", "[]"))
        {
            Assert.Contains("body", await response.AssertValidationProblemAsync());
        }
        using (var response = await api.PostRawAsync("/api/v2/users", "userName=dave", "application/x-www-form-urlencoded"))
        {
            await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        }
        var both = server.NewAccount("dave");
        both["passwordHash"] = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        using (var response = await api.PostJsonAsync("/api/v2/users", both))
        {
            Assert.Contains("password", await response.AssertValidationProblemAsync());
        }
        var badHash = server.NewAccount("dave");
        badHash.Remove("password");
        badHash["passwordHash"] = "plaintext-not-a-hash";
        using (var response = await api.PostJsonAsync("/api/v2/users", badHash))
        {
            Assert.Contains("passwordHash", await response.AssertValidationProblemAsync());
        }
        Assert.Empty(server.Users.Snapshot());
    }

    [Fact]
    public async Task Bodies_over_the_limit_are_refused_with_413()
    {
        await using var server = await AdminTestServer.StartAsync(adminOptions: o => o.MaxRequestBodySize = 64 * 1024);
        using var api = server.Client(await server.TokenAsync());
        var account = server.NewAccount("erin");
        account["description"] = new string('d', 70 * 1024);
        using (var response = await api.PostJsonAsync("/api/v2/users", account))
        {
            await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }
        // Without Content-Length (chunked), the limit holds while reading.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/users"))
        {
            request.Content = new StreamContent(new ChunkedJson(70 * 1024));
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await api.SendAsync(request);
            await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }
        Assert.Empty(server.Users.Snapshot());
    }

    [Fact]
    public async Task Unknown_ids_get_404_problems_and_renames_are_refused()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        foreach (string url in new[] { "/api/v2/users/nobody", "/api/v2/quotas/users/nobody", "/api/v2/connections/nope", "/api/v2/defender/hosts/192.0.2.1", "/api/v2/apikeys/nope", "/api/v2/admins/nobody", "/api/v2/quotas/users/nobody/scan" })
        {
            using var response = await api.GetAsync(url);
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        foreach (string url in new[] { "/api/v2/users/nobody", "/api/v2/connections/nope", "/api/v2/apikeys/nope", "/api/v2/admins/nobody" })
        {
            using var response = await api.DeleteAsync(url);
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var response = await api.PostAsync("/api/v2/quotas/users/nobody/scan", null))
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var response = await api.PutJsonAsync("/api/v2/users/nobody", server.NewAccount("nobody")))
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var created = await api.PostJsonAsync("/api/v2/users", server.NewAccount("frank")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var duplicate = await api.PostJsonAsync("/api/v2/users", server.NewAccount("frank")))
        {
            await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        using (var rename = await api.PutJsonAsync("/api/v2/users/frank", server.NewAccount("george")))
        {
            Assert.Contains("userName", await rename.AssertValidationProblemAsync());
        }
        using (var badQuota = await api.PutJsonAsync("/api/v2/quotas/users/frank/usage", new JsonObject { ["usedSize"] = -1, ["usedFiles"] = "x" }))
        {
            var fields = await badQuota.AssertValidationProblemAsync();
            Assert.Contains("usedSize", fields);
            Assert.Contains("usedFiles", fields);
        }
        Assert.Equal(["frank"], server.Users.Snapshot().Select(a => a.UserName));
    }

    /// <summary>A JSON string body of <c>size</c> bytes, read in small pieces with no known length.</summary>
    private sealed class ChunkedJson(int size) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 4096), size - _position);
            for (int i = 0; i < n; i++)
            {
                buffer[offset + i] = (_position + i) == 0 ? (byte)'"' : (byte)'a';
            }
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
