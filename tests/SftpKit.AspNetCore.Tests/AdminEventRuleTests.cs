using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// <c>/eventactions</c>, <c>/eventrules</c>, <c>/eventrules/run/{name}</c> and <c>/events/rules</c> against the real
/// admin API and the in-memory rule store; the rule engine is a small test double (it records reloads and answers
/// on-demand runs) until the real engine is merged. Also: provider events raised by admin API changes.
/// </summary>
public sealed class AdminEventRuleTests : IAsyncLifetime
{
    private readonly RunStoreDouble _runs = new();
    private readonly EngineDouble _engine;
    private readonly ProviderEventCollector _events = new();
    private AdminTestServer _server = null!;

    public AdminEventRuleTests() => _engine = new EngineDouble(_runs);

    public async ValueTask InitializeAsync()
    {
        _server = await AdminTestServer.StartAsync(services: s =>
        {
            s.AddSingleton<ISftpEventRuleEngine>(_engine);
            s.AddSingleton<ISftpEventRunStore>(_runs);
            s.AddSingleton<ISftpEventHandler>(_events);
        });
        var admins = (ISftpAdminStore)_server.Services.GetService(typeof(ISftpAdminStore))!;
        string hash = SftpPasswordHasher.Hash(AdminTestServer.AdminPassword);
        await admins.CreateAsync(new SftpAdmin { UserName = "rules", PasswordHash = hash, Permissions = [SftpAdminPermissions.ManageEventRules] }, default);
        // Stored directly: the API refuses the permission to a role-bound admin, a host's own store might not.
        await admins.CreateAsync(new SftpAdmin { UserName = "bound", PasswordHash = hash, Role = "finance", Permissions = [SftpAdminPermissions.ManageEventRules] }, default);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _events.Dispose();
    }

    private ISftpEventRuleStore Store => _server.Services.GetRequiredService<ISftpEventRuleStore>();

    private static JsonObject HttpAction(string name, string? password = "s3cret") => new()
    {
        ["name"] = name,
        ["description"] = "notify",
        ["type"] = 1,
        ["options"] = new JsonObject
        {
            ["http_config"] = new JsonObject
            {
                ["endpoint"] = "http://127.0.0.1:9/hook?user={{Name}}",
                ["method"] = "POST",
                ["timeout"] = 10,
                ["username"] = "hook",
                ["password"] = password is null ? null : new JsonObject { ["status"] = "Plain", ["payload"] = password },
                ["headers"] = new JsonArray(new JsonObject { ["key"] = "X-Test", ["value"] = "{{Event}}" }),
                ["body"] = "{\"path\":\"{{VirtualPath}}\"}",
            },
            // SFTPGo sends every block; those of other types are ignored.
            ["cmd_config"] = new JsonObject { ["cmd"] = "" },
        },
    };

    private static JsonObject UploadRule(string name, params string[] actions) => new()
    {
        ["name"] = name,
        ["status"] = 1,
        ["trigger"] = 1,
        ["conditions"] = new JsonObject
        {
            ["fs_events"] = new JsonArray("upload", "download"),
            ["options"] = new JsonObject
            {
                ["fs_paths"] = new JsonArray(new JsonObject { ["pattern"] = "/in/*.csv" }),
                ["names"] = new JsonArray(new JsonObject { ["pattern"] = "tmp*", ["inverse_match"] = true }),
                ["protocols"] = new JsonArray("SFTP"),
                ["event_statuses"] = new JsonArray(1, 2),
                ["min_size"] = 10,
            },
        },
        ["actions"] = new JsonArray(actions.Select((a, i) => (JsonNode)new JsonObject
        {
            ["name"] = a,
            ["order"] = i + 1,
            ["relation_options"] = new JsonObject { ["stop_on_failure"] = true },
        }).ToArray()),
    };

    [Fact]
    public async Task Actions_round_trip_in_sftpgo_shape_with_the_secret_write_only()
    {
        using var api = _server.Client(await _server.TokenAsync("rules"));
        using (var created = await api.PostJsonAsync("/api/v2/eventactions", HttpAction("notify")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = (await created.BodyAsync())!;
            Assert.Equal(1, body["type"]!.GetValue<int>());
            var http = body["options"]!["http_config"]!;
            Assert.Equal("http://127.0.0.1:9/hook?user={{Name}}", http["endpoint"]!.GetValue<string>());
            Assert.Equal("Redacted", http["password"]!["status"]!.GetValue<string>());
            Assert.DoesNotContain("s3cret", body.ToJsonString(), StringComparison.Ordinal);
            Assert.Null(body["options"]!["cmd_config"]);
        }
        Assert.Equal("s3cret", (await Store.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(1, _engine.Invalidations);

        // Sent back as read (redacted), the stored secret stays; sent in clear it changes; left out it goes.
        var read = (await (await api.GetAsync("/api/v2/eventactions/notify")).BodyAsync())!.AsObject();
        read["description"] = "changed";
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync("/api/v2/eventactions/notify", read)).StatusCode);
        var stored = (await Store.FindActionAsync("notify", default))!;
        Assert.Equal(("changed", "s3cret"), (stored.Description, stored.Options.Http!.Password));
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync("/api/v2/eventactions/notify", HttpAction("notify", "n3w"))).StatusCode);
        Assert.Equal("n3w", (await Store.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(HttpStatusCode.OK, (await api.PutJsonAsync("/api/v2/eventactions/notify", HttpAction("notify", null))).StatusCode);
        Assert.Null((await Store.FindActionAsync("notify", default))!.Options.Http!.Password);

        var list = (await (await api.GetAsync("/api/v2/eventactions")).BodyAsync())!.AsArray();
        Assert.Equal(["notify"], list.Select(a => a!["name"]!.GetValue<string>()));
        await (await api.PostJsonAsync("/api/v2/eventactions", HttpAction("notify"))).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.GetAsync("/api/v2/eventactions/nope")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.PutJsonAsync("/api/v2/eventactions/nope", HttpAction("nope"))).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v2/eventactions/notify")).StatusCode);
        Assert.Null(await Store.FindActionAsync("notify", default));
    }

    [Fact]
    public async Task Bad_actions_are_refused_with_field_errors()
    {
        using var api = _server.Client(await _server.TokenAsync("rules"));
        var unknown = HttpAction("a1");
        unknown["options"]!["http_config"]!["verb"] = "x";
        Assert.Contains("options.http_config.verb", await (await api.PostJsonAsync("/api/v2/eventactions", unknown)).AssertValidationProblemAsync());
        var badUrl = HttpAction("a1");
        badUrl["options"]!["http_config"]!["endpoint"] = "ftp://example.com/";
        badUrl["options"]!["http_config"]!["timeout"] = 999;
        var fields = await (await api.PostJsonAsync("/api/v2/eventactions", badUrl)).AssertValidationProblemAsync();
        Assert.Contains("options.http_config.endpoint", fields);
        Assert.Contains("options.http_config.timeout", fields);
        Assert.Contains("type", await (await api.PostJsonAsync("/api/v2/eventactions", new JsonObject { ["name"] = "a2", ["type"] = 13 })).AssertValidationProblemAsync());
        var command = new JsonObject { ["name"] = "a3", ["type"] = 2, ["options"] = new JsonObject { ["cmd_config"] = new JsonObject { ["cmd"] = "relative/tool" } } };
        Assert.Contains("options.cmd_config.cmd", await (await api.PostJsonAsync("/api/v2/eventactions", command)).AssertValidationProblemAsync());
        var email = new JsonObject { ["name"] = "a4", ["type"] = 3, ["options"] = new JsonObject { ["email_config"] = new JsonObject { ["subject"] = "s" } } };
        fields = await (await api.PostJsonAsync("/api/v2/eventactions", email)).AssertValidationProblemAsync();
        Assert.Contains("options.email_config.recipients", fields);
        Assert.Contains("options.email_config.body", fields);
        var fs = new JsonObject { ["name"] = "a5", ["type"] = 9, ["options"] = new JsonObject { ["fs_config"] = new JsonObject { ["type"] = 5, ["compress"] = new JsonObject { ["name"] = "/out.zip" } } } };
        Assert.Contains("options.fs_config.compress.paths", await (await api.PostJsonAsync("/api/v2/eventactions", fs)).AssertValidationProblemAsync());
        Assert.Empty(await ListAsync(Store.ListActionsAsync(default)));
        Assert.Equal(0, _engine.Invalidations);
    }

    [Fact]
    public async Task Rules_name_existing_actions_with_valid_conditions_and_actions_in_use_cannot_be_deleted()
    {
        using var api = _server.Client(await _server.TokenAsync("rules"));
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventactions", HttpAction("notify"))).StatusCode);

        Assert.Contains("actions[0].name", await (await api.PostJsonAsync("/api/v2/eventrules", UploadRule("r1", "missing"))).AssertValidationProblemAsync());
        var badGlob = UploadRule("r1", "notify");
        badGlob["conditions"]!["options"]!["fs_paths"] = new JsonArray(new JsonObject { ["pattern"] = "/in/[abc" });
        Assert.Contains("conditions.options.fs_paths[0].pattern", await (await api.PostJsonAsync("/api/v2/eventrules", badGlob)).AssertValidationProblemAsync());
        var badEvent = UploadRule("r1", "notify");
        badEvent["conditions"]!["fs_events"] = new JsonArray("uploaded");
        Assert.Contains("conditions.fs_events", await (await api.PostJsonAsync("/api/v2/eventrules", badEvent)).AssertValidationProblemAsync());
        var badCron = new JsonObject
        {
            ["name"] = "nightly", ["trigger"] = 3,
            ["conditions"] = new JsonObject { ["schedules"] = new JsonArray(new JsonObject { ["hour"] = "25", ["day_of_week"] = "*", ["day_of_month"] = "*", ["month"] = "*" }) },
            ["actions"] = new JsonArray(new JsonObject { ["name"] = "notify" }),
        };
        Assert.Contains("conditions.schedules[0]", await (await api.PostJsonAsync("/api/v2/eventrules", badCron)).AssertValidationProblemAsync());
        var preWithoutSync = UploadRule("r1", "notify");
        preWithoutSync["conditions"]!["fs_events"] = new JsonArray("pre-upload");
        Assert.Contains("actions", await (await api.PostJsonAsync("/api/v2/eventrules", preWithoutSync)).AssertValidationProblemAsync());
        Assert.Equal(1, _engine.Invalidations);

        using (var created = await api.PostJsonAsync("/api/v2/eventrules", UploadRule("r1", "notify")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var body = (await created.BodyAsync())!;
            Assert.Equal(1, body["status"]!.GetValue<int>());
            Assert.Equal(["upload", "download"], body["conditions"]!["fs_events"]!.AsArray().Select(e => e!.GetValue<string>()));
            Assert.Equal([1, 2], body["conditions"]!["options"]!["event_statuses"]!.AsArray().Select(e => e!.GetValue<int>()));
            Assert.True(body["actions"]![0]!["relation_options"]!["stop_on_failure"]!.GetValue<bool>());
            Assert.True(body["created_at"]!.GetValue<long>() > 0);
        }
        var rule = (await Store.FindRuleAsync("r1", default))!;
        Assert.Equal(SftpEventTrigger.FileSystem, rule.Trigger);
        Assert.Equal("/in/*.csv", rule.Conditions.FsPaths[0].Pattern);
        Assert.True(rule.Conditions.Names[0].InverseMatch);
        Assert.Equal(10, rule.Conditions.MinFileSize);
        Assert.Equal(2, _engine.Invalidations);

        var schedule = new JsonObject
        {
            ["name"] = "nightly", ["trigger"] = 3, ["status"] = 0,
            ["conditions"] = new JsonObject { ["schedules"] = new JsonArray(new JsonObject { ["hour"] = "2", ["day_of_week"] = "1-5", ["day_of_month"] = "*", ["month"] = "*", ["time_zone"] = "Europe/Rome" }) },
            ["actions"] = new JsonArray(new JsonObject { ["name"] = "notify", ["order"] = 1 }),
        };
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventrules", schedule)).StatusCode);
        var nightly = (await Store.FindRuleAsync("nightly", default))!;
        Assert.Equal(("0 2 * * 1-5", "Europe/Rome", false), (nightly.Conditions.Schedules[0].Cron, nightly.Conditions.Schedules[0].TimeZone, nightly.Enabled));

        var action = (await (await api.GetAsync("/api/v2/eventactions/notify")).BodyAsync())!;
        Assert.Equal(["nightly", "r1"], action["rules"]!.AsArray().Select(r => r!.GetValue<string>()));
        await (await api.DeleteAsync("/api/v2/eventactions/notify")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v2/eventrules/r1")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v2/eventrules/nightly")).StatusCode);
        await (await api.DeleteAsync("/api/v2/eventrules/nightly")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v2/eventactions/notify")).StatusCode);
    }

    [Fact]
    public async Task On_demand_rules_run_through_the_engine_and_runs_are_queryable()
    {
        using var api = _server.Client(await _server.TokenAsync("rules"));
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventactions", HttpAction("notify"))).StatusCode);
        var onDemand = new JsonObject { ["name"] = "manual", ["trigger"] = 6, ["actions"] = new JsonArray(new JsonObject { ["name"] = "notify" }) };
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventrules", onDemand)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventrules", UploadRule("r1", "notify"))).StatusCode);

        using (var run = await api.PostAsync("/api/v2/eventrules/run/manual", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
            var body = (await run.BodyAsync())!;
            Assert.Equal(("manual", "failed", "notify", "endpoint unreachable"), (body["rule"]!.GetValue<string>(), body["status"]!.GetValue<string>(),
                body["actions"]![0]!["name"]!.GetValue<string>(), body["actions"]![0]!["error"]!.GetValue<string>()));
            Assert.False(string.IsNullOrEmpty(body["id"]!.GetValue<string>()));
        }
        await (await api.PostAsync("/api/v2/eventrules/run/r1", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.PostAsync("/api/v2/eventrules/run/nope", null)).AssertProblemAsync(HttpStatusCode.NotFound);

        var runs = (await (await api.GetAsync("/api/v2/events/rules?rule=manual&status=failed&limit=5")).BodyAsync())!.AsArray();
        Assert.Single(runs);
        Assert.Empty((await (await api.GetAsync("/api/v2/events/rules?rule=manual&status=ok")).BodyAsync())!.AsArray());
        Assert.Empty((await (await api.GetAsync("/api/v2/events/rules?from=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O")))).BodyAsync())!.AsArray());
        var fields = await (await api.GetAsync("/api/v2/events/rules?status=bad&limit=0&from=yesterday")).AssertValidationProblemAsync();
        Assert.Equal(["from", "limit", "status"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Role_bound_admins_and_admins_without_the_permission_are_refused()
    {
        using var bound = _server.Client(await _server.TokenAsync("bound"));
        await (await bound.GetAsync("/api/v2/eventrules")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await bound.PostJsonAsync("/api/v2/eventactions", HttpAction("x"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await bound.GetAsync("/api/v2/events/rules")).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var ops = _server.Client(await _server.TokenAsync("ops"));
        await (await ops.GetAsync("/api/v2/eventactions")).AssertProblemAsync(HttpStatusCode.Forbidden);

        // The permission cannot be given to a role-bound admin.
        using var root = _server.Client(await _server.TokenAsync());
        var roles = (ISftpRoleStore)_server.Services.GetService(typeof(ISftpRoleStore))!;
        await roles.CreateAsync(new SftpRole { Name = "sales" }, default);
        var admin = new JsonObject
        {
            ["userName"] = "sales-rules", ["password"] = AdminTestServer.AdminPassword, ["role"] = "sales",
            ["permissions"] = new JsonArray(SftpAdminPermissions.ManageEventRules),
        };
        Assert.NotEqual(HttpStatusCode.Created, (await root.PostJsonAsync("/api/v2/admins", admin)).StatusCode);
    }

    [Fact]
    public async Task Changes_through_the_api_raise_provider_events()
    {
        using var api = _server.Client(await _server.TokenAsync());
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/users", _server.NewAccount("evan"))).StatusCode);
        var added = await _events.WaitAsync(e => e.Properties["object_type"] == "user" && e.Properties["action"] == "add");
        Assert.Equal(("evan", "root", SftpEventProtocol.Http), (added.Properties["object_name"], added.UserName, added.Protocol));
        Assert.Equal("127.0.0.1", added.RemoteAddress);
        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync("/api/v2/users/evan")).StatusCode);
        await _events.WaitAsync(e => e.Properties["object_type"] == "user" && e.Properties["action"] == "delete" && e.Properties["object_name"] == "evan");
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/eventactions", HttpAction("notify"))).StatusCode);
        await _events.WaitAsync(e => e.Properties["object_type"] == "event_action" && e.Properties["action"] == "add" && e.Properties["object_name"] == "notify");
        Assert.Equal(HttpStatusCode.Created, (await api.PostJsonAsync("/api/v2/roles", new JsonObject { ["name"] = "ops" })).StatusCode);
        await _events.WaitAsync(e => e.Properties["object_type"] == "role" && e.Properties["object_name"] == "ops");
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}
