using System.Net;
using System.Text.Json.Nodes;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests;

/// <summary><c>POST /loaddata?format=sftpgo</c>: what this server cannot hold is left out and reported, the rest imported.</summary>
public sealed class SftpGoLoadDataTests
{
    [Fact]
    public async Task Objects_on_unregistered_storage_are_reported_and_the_rest_is_imported()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        string home = Path.Combine(server.Directory, "homes");
        var azure = new JsonObject { ["provider"] = 3, ["azblobconfig"] = new JsonObject { ["container"] = "c", ["account_name"] = "a" } };
        var dump = new JsonObject
        {
            ["version"] = 17,
            ["users"] = new JsonArray(
                new JsonObject { ["username"] = "on-azure", ["status"] = 1, ["password"] = SftpPasswordHasher.Hash("pw-1"), ["home_dir"] = Path.Combine(home, "a"), ["filesystem"] = azure.DeepClone() },
                new JsonObject
                {
                    ["username"] = "kept", ["status"] = 1, ["password"] = SftpPasswordHasher.Hash("pw-2"), ["home_dir"] = Path.Combine(home, "k"),
                    ["permissions"] = new JsonObject { ["/"] = new JsonArray("*") },
                    ["groups"] = new JsonArray(new JsonObject { ["name"] = "cloud", ["type"] = 2 }),
                }),
            ["groups"] = new JsonArray(new JsonObject { ["name"] = "cloud", ["user_settings"] = new JsonObject { ["filesystem"] = azure.DeepClone() } }),
        };
        var response = await root.PostJsonAsync("/api/v2/loaddata?format=sftpgo", dump);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(1, body["added"]!.GetValue<int>());
        var issues = body["issues"]!.AsArray().Select(i => i!["path"]!.GetValue<string>() + " " + i["reason"]!.GetValue<string>()).ToList();
        Assert.Contains(issues, i => i.StartsWith("users[0] ", StringComparison.Ordinal) && i.Contains("'azureblob' is not registered", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.StartsWith("groups[0] ", StringComparison.Ordinal) && i.Contains("'azureblob' is not registered", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.StartsWith("users[1].groups ", StringComparison.Ordinal) && i.Contains("cloud", StringComparison.Ordinal));
        var kept = await server.Users.FindAsync("kept", default);
        Assert.NotNull(kept);
        Assert.Empty(kept.Groups);
        Assert.Null(await server.Users.FindAsync("on-azure", default));

        await (await root.PostJsonAsync("/api/v2/loaddata?format=other", dump)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await root.PostJsonAsync("/api/v2/loaddata?format=sftpgo", new JsonObject { ["nothing"] = 1 })).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
