using System.Net;
using System.Text.Json.Nodes;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Data retention through the REST API, over real files with old modification times.</summary>
public sealed class AdminRetentionTests
{
    private static JsonArray Policies(params (string Path, int Hours)[] policies) =>
        new(policies.Select(p => (JsonNode)new JsonObject { ["path"] = p.Path, ["retention"] = p.Hours }).ToArray());

    private static string Write(string home, string relative, TimeSpan age)
    {
        string path = Path.Combine(home, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, relative);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public async Task A_check_runs_in_the_background_deletes_expired_files_and_reports_them()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var account = server.NewAccount("erin");
        string home = account["homeDirectory"]!.GetValue<string>();
        using (var created = await api.PostJsonAsync("/api/v2/users", account))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        string expired = Write(home, "folder1/old.txt", TimeSpan.FromHours(80));
        string recent = Write(home, "folder1/recent.txt", TimeSpan.FromHours(2));
        string exempt = Write(home, "folder1/sub/old.txt", TimeSpan.FromHours(80));
        string outside = Write(home, "other/old.txt", TimeSpan.FromHours(80));

        using (var started = await api.PostJsonAsync("/api/v2/retention/users/erin/check", Policies(("/folder1", 72), ("/folder1/sub", 0))))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            Assert.Equal("/api/v2/retention/users/erin/check", started.Headers.Location?.OriginalString);
            var status = (await started.BodyAsync())!;
            Assert.Equal("Running", status["state"]!.GetValue<string>());
            Assert.Equal(2, status["policies"]!.AsArray().Count);
        }
        JsonNode? done = null;
        Assert.True(await AdminTestServer.WaitForAsync(async () =>
        {
            using var poll = await api.GetAsync("/api/v2/retention/users/erin/check");
            done = await poll.BodyAsync();
            return done!["state"]!.GetValue<string>() != "Running";
        }));
        Assert.Equal("Completed", done!["state"]!.GetValue<string>());
        var result = done["result"]!;
        Assert.Equal(1, result["deletedFiles"]!.GetValue<long>());
        Assert.Equal("/folder1/old.txt", result["deleted"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("folder1/old.txt".Length, result["deletedBytes"]!.GetValue<long>());
        Assert.False(File.Exists(expired));
        Assert.True(File.Exists(recent) && File.Exists(exempt) && File.Exists(outside));

        using var list = await api.GetAsync("/api/v2/retention/checks");
        Assert.Equal(["erin"], (await list.BodyAsync())!.AsArray().Select(c => c!["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_retention_requests_get_problem_details_and_delete_nothing()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var account = server.NewAccount("fred");
        string home = account["homeDirectory"]!.GetValue<string>();
        using (var created = await api.PostJsonAsync("/api/v2/users", account))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        string old = Write(home, "a/old.txt", TimeSpan.FromDays(30));

        var cases = new (JsonNode Body, string Field)[]
        {
            (new JsonObject { ["path"] = "/a", ["retention"] = 1 }, "body"),
            (new JsonArray(), "body"),
            (Policies(("/a/../../etc", 1)), "[0].path"),
            (Policies(("a", 1)), "[0].path"),
            (Policies(("/a", -1)), "[0].retention"),
            (Policies(("/a", 1), ("/a/", 2)), "[1].path"),
            (new JsonArray(new JsonObject { ["path"] = "/a" }), "[0].retention"),
            (new JsonArray(new JsonObject { ["retention"] = 1 }), "[0].path"),
            (new JsonArray(new JsonObject { ["path"] = "/a", ["retention"] = "1" }), "[0].retention"),
            (new JsonArray(new JsonObject { ["path"] = "/a", ["retention"] = 1, ["recursive"] = true }), "[0].recursive"),
            (new JsonArray(JsonValue.Create(5)), "[0]"),
        };
        foreach (var (body, field) in cases)
        {
            using var response = await api.PostJsonAsync("/api/v2/retention/users/fred/check", body);
            Assert.Contains(field, await response.AssertValidationProblemAsync());
        }
        using (var unknown = await api.PostJsonAsync("/api/v2/retention/users/nobody/check", Policies(("/a", 1))))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var noCheck = await api.GetAsync("/api/v2/retention/users/fred/check"))
        {
            await noCheck.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var viewer = server.Client(await server.TokenAsync("viewer")))
        using (var forbidden = await viewer.PostJsonAsync("/api/v2/retention/users/fred/check", Policies(("/a", 1))))
        {
            await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var anonymous = server.Client())
        using (var unauthorized = await anonymous.PostJsonAsync("/api/v2/retention/users/fred/check", Policies(("/a", 1))))
        {
            await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using var list = await api.GetAsync("/api/v2/retention/checks");
        Assert.Empty((await list.BodyAsync())!.AsArray());
        Assert.True(File.Exists(old));
    }
}
