using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Built-in admin authentication: tokens, 401/403, permissions, networks, forwarded headers, admins.</summary>
public sealed class AdminAuthenticationTests
{
    [Fact]
    public async Task Requests_without_valid_credentials_get_401_and_change_nothing()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var anonymous = server.Client();
        using (var response = await anonymous.GetAsync("/api/v2/users"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        using (var response = await anonymous.PostJsonAsync("/api/v2/users", server.NewAccount("mallory")))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using (var response = await anonymous.GetAsync("/api/v2/status"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using (var response = await server.RequestTokenAsync("root", "wrong password"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());
        }
        using (var response = await server.RequestTokenAsync("nobody", AdminTestServer.AdminPassword))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        string token = await server.TokenAsync();
        string[] parts = token.Split('.');
        // Another signature, an unsigned token, and a changed payload are all refused.
        string forged = parts[0] + "." + parts[1] + "." + Convert.ToBase64String(new byte[32]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        string none = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        string changed = parts[0] + "." + B64(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1]))).Replace("\"root\"", "\"viewer\"")) + "." + parts[2];
        foreach (string bad in new[] { forged, none, changed, "garbage", token + "x" })
        {
            using var client = server.Client(bad);
            using var response = await client.GetAsync("/api/v2/users");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Empty(server.Users.Snapshot());
    }

    [Fact]
    public async Task Tokens_expire_and_follow_the_admins_state()
    {
        await using var server = await AdminTestServer.StartAsync();
        string token = await server.TokenAsync("ops");
        using var ops = server.Client(token);
        using (var response = await ops.GetAsync("/api/v2/users"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // A disabled admin's token stops working at once, and works again when re-enabled.
        using var root = server.Client(await server.TokenAsync());
        var admin = (await (await root.GetAsync("/api/v2/admins/ops")).BodyAsync())!.AsObject();
        Assert.False(admin.ContainsKey("passwordHash"));
        admin["enabled"] = false;
        using (var response = await root.PutJsonAsync("/api/v2/admins/ops", admin))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await ops.GetAsync("/api/v2/users"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        admin["enabled"] = true;
        using (var response = await root.PutJsonAsync("/api/v2/admins/ops", admin))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await ops.GetAsync("/api/v2/users"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Default lifetime 20 minutes.
        server.Clock.Advance(TimeSpan.FromMinutes(19));
        using (var response = await ops.GetAsync("/api/v2/users"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        using (var response = await ops.GetAsync("/api/v2/users"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Missing_permissions_get_403_per_endpoint()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var viewer = server.Client(await server.TokenAsync("viewer"));
        using (var response = await viewer.GetAsync("/api/v2/connections"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await viewer.GetAsync("/api/v2/status"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        (HttpMethod Method, string Url)[] forbidden =
        [
            (HttpMethod.Get, "/api/v2/users"), (HttpMethod.Post, "/api/v2/users"), (HttpMethod.Delete, "/api/v2/connections/x"),
            (HttpMethod.Post, "/api/v2/quotas/users/x/scan"), (HttpMethod.Get, "/api/v2/defender/hosts"), (HttpMethod.Delete, "/api/v2/defender/hosts/192.0.2.1"),
            (HttpMethod.Get, "/api/v2/dumpdata"), (HttpMethod.Post, "/api/v2/loaddata"), (HttpMethod.Get, "/api/v2/admins"), (HttpMethod.Post, "/api/v2/apikeys"),
        ];
        foreach (var (method, url) in forbidden)
        {
            using var request = new HttpRequestMessage(method, url) { Content = method == HttpMethod.Get || method == HttpMethod.Delete ? null : new StringContent(server.NewAccount("x").ToJsonString(), Encoding.UTF8, "application/json") };
            using var response = await viewer.SendAsync(request);
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Empty(server.Users.Snapshot());

        using var ops = server.Client(await server.TokenAsync("ops"));
        using (var response = await ops.PostJsonAsync("/api/v2/users", server.NewAccount("henry")))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        using (var response = await ops.GetAsync("/api/v2/connections"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task Allowed_networks_see_forwarded_addresses_only_from_trusted_proxies()
    {
        // Not behind a trusted proxy: X-Forwarded-For is ignored and 127.0.0.1 is outside 192.0.2.0/24.
        await using (var direct = await AdminTestServer.StartAsync())
        {
            using var refused = await direct.RequestTokenAsync("netadmin", AdminTestServer.AdminPassword, r => r.Headers.Add("X-Forwarded-For", "192.0.2.10"));
            await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        // Behind a proxy on 127.0.0.1 that the host trusts: the forwarded client address decides.
        await using var proxied = await AdminTestServer.StartAsync(trustLoopbackProxy: true);
        using (var outside = await proxied.RequestTokenAsync("netadmin", AdminTestServer.AdminPassword, r => r.Headers.Add("X-Forwarded-For", "198.51.100.7")))
        {
            await outside.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using var inside = await proxied.RequestTokenAsync("netadmin", AdminTestServer.AdminPassword, r => r.Headers.Add("X-Forwarded-For", "192.0.2.10"));
        Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
        string token = (await inside.BodyAsync())!["access_token"]!.GetValue<string>();
        // The token is checked against the network on every request too.
        using var client = proxied.Client(token);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users"))
        {
            request.Headers.Add("X-Forwarded-For", "192.0.2.11");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users"))
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.9");
            using var response = await client.SendAsync(request);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Admins_are_managed_with_hashed_passwords_and_cannot_lock_themselves_out()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        var body = new JsonObject { ["userName"] = "auditor", ["password"] = "auditor password", ["permissions"] = new JsonArray("view_connections", "view_defender") };
        using (var created = await root.PostJsonAsync("/api/v2/admins", body))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var answer = (await created.BodyAsync())!.AsObject();
            Assert.False(answer.ContainsKey("passwordHash"));
            Assert.False(answer.ContainsKey("password"));
        }
        var stored = await server.Services.GetRequiredService<ISftpAdminStore>().FindAsync("auditor", CancellationToken.None);
        Assert.StartsWith("$argon2id$", stored!.PasswordHash);
        using (var token = await server.RequestTokenAsync("auditor", "auditor password"))
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        }
        var bad = new JsonObject { ["userName"] = "x/y", ["permissions"] = new JsonArray("launch_missiles"), ["allowedNetworks"] = new JsonArray("300.1.1.1") };
        using (var response = await root.PostJsonAsync("/api/v2/admins", bad))
        {
            var fields = await response.AssertValidationProblemAsync();
            Assert.Superset(new HashSet<string> { "userName", "password", "permissions[0]", "allowedNetworks[0]" }, fields);
        }
        using (var response = await root.DeleteAsync("/api/v2/admins/root"))
        {
            Assert.Contains("userName", await response.AssertValidationProblemAsync());
        }
        var self = (await (await root.GetAsync("/api/v2/admins/root")).BodyAsync())!.AsObject();
        self["permissions"] = new JsonArray("view_connections");
        using (var response = await root.PutJsonAsync("/api/v2/admins/root", self))
        {
            Assert.Contains("permissions", await response.AssertValidationProblemAsync());
        }
        using (var response = await root.DeleteAsync("/api/v2/admins/auditor"))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        using (var token = await server.RequestTokenAsync("auditor", "auditor password"))
        {
            await token.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Pad(string b64url)
    {
        string s = b64url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
