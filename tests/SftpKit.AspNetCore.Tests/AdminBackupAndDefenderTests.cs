using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Dump/restore through the API, and defender bans.</summary>
public sealed class AdminBackupAndDefenderTests
{
    [Fact]
    public async Task Dump_and_restore_round_trip_in_both_modes()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var judy = server.NewAccount("judy");
        judy["quotaSize"] = 5000;
        judy["allowedIPs"] = new JsonArray("127.0.0.0/8");
        foreach (var account in new[] { judy, server.NewAccount("karl") })
        {
            using var created = await api.PostJsonAsync("/api/v2/users", account);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var usage = await api.PutJsonAsync("/api/v2/quotas/users/judy/usage", new JsonObject { ["usedSize"] = 1234, ["usedFiles"] = 3 }))
        {
            Assert.Equal(HttpStatusCode.OK, usage.StatusCode);
        }
        string dump;
        using (var response = await api.GetAsync("/api/v2/dumpdata"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            dump = await response.Content.ReadAsStringAsync();
        }
        var before = server.Users.Snapshot();
        Assert.Equal(2, JsonNode.Parse(dump)!["users"]!.AsArray().Count);

        // Lose karl, change judy, zero judy's usage.
        using (var deleted = await api.DeleteAsync("/api/v2/users/karl"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        var changed = (await (await api.GetAsync("/api/v2/users/judy")).BodyAsync())!.AsObject();
        changed["quotaSize"] = 1;
        using (var put = await api.PutJsonAsync("/api/v2/users/judy", changed))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        await server.Services.GetRequiredService<ISftpQuotaStore>().SetAsync(SftpQuotaOwner.User("judy"), new SftpQuotaUsage(0, 0), CancellationToken.None);

        using (var addOnly = await api.PostRawAsync("/api/v2/loaddata?mode=add-only", dump))
        {
            var result = (await addOnly.BodyAsync())!;
            Assert.Equal(1, result["added"]!.GetValue<int>());
            Assert.Equal(1, result["skipped"]!.GetValue<int>());
        }
        Assert.Equal(1, (await server.Users.FindAsync("judy", CancellationToken.None))!.QuotaSize);
        using (var replace = await api.PostRawAsync("/api/v2/loaddata?mode=replace", dump))
        {
            var result = (await replace.BodyAsync())!;
            Assert.Equal(2, result["replaced"]!.GetValue<int>());
        }
        var after = server.Users.Snapshot();
        Assert.Equal(before.Select(Describe), after.Select(Describe));
        using (var quota = await api.GetAsync("/api/v2/quotas/users/judy"))
        {
            Assert.Equal(1234, (await quota.BodyAsync())!["usedSize"]!.GetValue<long>());
        }
        // The restored password still logs in.
        using (var client = server.SftpClient("karl"))
        {
            await client.ConnectAsync(CancellationToken.None);
            client.Disconnect();
        }
    }

    [Fact]
    public async Task Restore_with_any_bad_account_changes_nothing()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var good = server.NewAccount("leo");
        good.Remove("password");
        good["passwordHash"] = SftpPasswordHasher.Hash("x");
        var bad = server.NewAccount("mia");
        bad["homeDirectory"] = "/srv/../../etc";
        bad["permissions"] = new JsonObject { ["/"] = new JsonArray("root") };
        var document = new JsonObject { ["version"] = 1, ["users"] = new JsonArray(good, bad) };
        using (var response = await api.PostRawAsync("/api/v2/loaddata?mode=replace", document.ToJsonString()))
        {
            var fields = await response.AssertValidationProblemAsync();
            Assert.Contains("users[1].homeDirectory", fields);
            Assert.Contains("users[1].permissions[/]", fields);
            Assert.DoesNotContain(fields, f => f.StartsWith("users[0]", StringComparison.Ordinal));
        }
        var twice = new JsonObject { ["version"] = 1, ["users"] = new JsonArray(good.DeepClone(), good.DeepClone()) };
        using (var response = await api.PostRawAsync("/api/v2/loaddata", twice.ToJsonString()))
        {
            Assert.Contains("users[1].userName", await response.AssertValidationProblemAsync());
        }
        using (var response = await api.PostRawAsync("/api/v2/loaddata?mode=merge", document.ToJsonString()))
        {
            Assert.Contains("mode", await response.AssertValidationProblemAsync());
        }
        using (var response = await api.PostRawAsync("/api/v2/loaddata", "{\"version\": 99, \"users\": []}"))
        {
            await response.AssertValidationProblemAsync();
        }
        Assert.Empty(server.Users.Snapshot());
    }

    [Fact]
    public async Task Bans_are_listed_added_and_removed()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var defender = server.Services.GetRequiredService<ISftpDefender>();
        await defender.BanAsync(IPAddress.Parse("192.0.2.7"), TimeSpan.FromMinutes(30));
        await defender.AddEventAsync(IPAddress.Parse("2001:db8::5"), SftpDefenderEvent.UnknownUser);

        using (var list = await api.GetAsync("/api/v2/defender/hosts"))
        {
            var hosts = (await list.BodyAsync())!.AsArray();
            Assert.Equal(2, hosts.Count);
            var banned = hosts.Single(h => h!["address"]!.GetValue<string>() == "192.0.2.7")!;
            Assert.True(banned["banned"]!.GetValue<bool>());
            Assert.Equal(2, hosts.Single(h => h!["address"]!.GetValue<string>() == "2001:db8::5")!["score"]!.GetValue<int>());
        }
        using (var removed = await api.DeleteAsync("/api/v2/defender/hosts/192.0.2.7"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
        Assert.False(await defender.IsBannedAsync(IPAddress.Parse("192.0.2.7")));
        using (var again = await api.DeleteAsync("/api/v2/defender/hosts/192.0.2.7"))
        {
            await again.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var invalid = await api.DeleteAsync("/api/v2/defender/hosts/not-an-ip"))
        {
            Assert.Contains("address", await invalid.AssertValidationProblemAsync());
        }
        using (var ban = await api.PostJsonAsync("/api/v2/defender/hosts", new JsonObject { ["address"] = "198.51.100.4", ["minutes"] = 10 }))
        {
            Assert.Equal(HttpStatusCode.OK, ban.StatusCode);
        }
        Assert.True(await defender.IsBannedAsync(IPAddress.Parse("198.51.100.4")));
        using (var badBan = await api.PostJsonAsync("/api/v2/defender/hosts", new JsonObject { ["address"] = "1", ["minutes"] = 0 }))
        {
            var fields = await badBan.AssertValidationProblemAsync();
            Assert.Contains("address", fields);
            Assert.Contains("minutes", fields);
        }
    }

    private static string Describe(SftpAccount a) => new StringBuilder()
        .Append(a.UserName).Append('|').Append(a.PasswordHash).Append('|').Append(a.HomeDirectory).Append('|').Append(a.QuotaSize)
        .Append('|').Append(string.Join(',', a.AllowedIPs)).ToString();
}
