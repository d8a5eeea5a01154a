using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>API keys: shown once, stored hashed, bound or impersonating, expiring, refused where tokens are required.</summary>
public sealed class AdminApiKeyTests
{
    [Fact]
    public async Task Bound_key_is_shown_once_stored_hashed_and_acts_as_its_admin()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        string key, id;
        using (var created = await root.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "deploy", ["admin"] = "ops" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = (await created.BodyAsync())!;
            key = body["key"]!.GetValue<string>();
            id = body["id"]!.GetValue<string>();
        }
        Assert.StartsWith(id + ".", key);
        // Later reads never show the key, and the store holds only a hash of the secret.
        using (var read = await root.GetAsync("/api/v2/apikeys/" + id))
        {
            var body = (await read.BodyAsync())!.AsObject();
            Assert.False(body.ContainsKey("key"));
            Assert.False(body.ContainsKey("secretHash"));
        }
        var stored = await server.Services.GetRequiredService<ISftpAdminStore>().FindApiKeyAsync(id, CancellationToken.None);
        Assert.DoesNotContain(key.Split('.')[1], stored!.SecretHash, StringComparison.Ordinal);
        Assert.Equal(64, stored.SecretHash.Length);

        using var client = server.Client();
        client.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", key);
        using (var response = await client.PostJsonAsync("/api/v2/users", server.NewAccount("ivan")))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        // ops has manage_users only.
        using (var response = await client.GetAsync("/api/v2/connections"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        // A wrong secret with the right id, and another admin's name on a bound key, are refused.
        foreach (string bad in new[] { id + ".AAAA", key + ".root", key[..^1] })
        {
            using var other = server.Client();
            other.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", bad);
            using var response = await other.GetAsync("/api/v2/users");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        // API keys cannot manage API keys.
        using (var response = await client.GetAsync("/api/v2/apikeys"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        // Revoked keys stop working.
        using (var response = await root.DeleteAsync("/api/v2/apikeys/" + id))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        using (var response = await client.GetAsync("/api/v2/users"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Unbound_key_impersonates_only_admins_that_allow_api_keys()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        string key;
        using (var created = await root.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "automation" }))
        {
            key = (await created.BodyAsync())!["key"]!.GetValue<string>();
        }
        async Task<HttpStatusCode> UsersWith(string header)
        {
            using var client = server.Client();
            client.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", header);
            using var response = await client.GetAsync("/api/v2/users");
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await UsersWith(key + ".ops"));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsersWith(key));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsersWith(key + ".root"));
        Assert.Equal(HttpStatusCode.Unauthorized, await UsersWith(key + ".nobody"));
        // ops revokes API-key access for itself.
        var ops = (await (await root.GetAsync("/api/v2/admins/ops")).BodyAsync())!.AsObject();
        ops["allowApiKeyAuth"] = false;
        using (var response = await root.PutJsonAsync("/api/v2/admins/ops", ops))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await UsersWith(key + ".ops"));
    }

    [Fact]
    public async Task Keys_expire_and_bad_key_requests_are_problems()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        var expires = server.Clock.GetUtcNow().AddHours(1);
        string key;
        using (var created = await root.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "short", ["admin"] = "ops", ["expiresAt"] = expires }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            key = (await created.BodyAsync())!["key"]!.GetValue<string>();
        }
        using var client = server.Client();
        client.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", key);
        using (var response = await client.GetAsync("/api/v2/users"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        using (var response = await client.GetAsync("/api/v2/users"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var fresh = server.Client(await server.TokenAsync());
        var bad = new JsonObject { ["name"] = "", ["admin"] = "nobody", ["expiresAt"] = server.Clock.GetUtcNow().AddMinutes(-1) };
        using (var response = await fresh.PostJsonAsync("/api/v2/apikeys", bad))
        {
            var fields = await response.AssertValidationProblemAsync();
            Assert.Superset(new HashSet<string> { "name", "admin", "expiresAt" }, fields);
        }
        using (var response = await fresh.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "k", ["scope"] = "everything" }))
        {
            await response.AssertValidationProblemAsync();
        }
        using (var list = await fresh.GetAsync("/api/v2/apikeys"))
        {
            Assert.Single((await list.BodyAsync())!.AsArray());
        }
    }
}
