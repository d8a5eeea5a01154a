using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Tests;

/// <summary><c>/dumpdata</c> and <c>/loaddata</c> carry the registered rule store's actions and rules, passwords protected.</summary>
public sealed class AdminBackupEventRuleTests
{
    private const string Password = "hook password 789";

    private sealed class CountingEngine : ISftpEventRuleEngine
    {
        public int Invalidations { get; private set; }

        public Task<SftpEventRun> RunOnDemandAsync(string ruleName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Invalidate() => Invalidations++;
    }

    [Fact]
    public async Task The_backup_carries_event_actions_and_rules_and_a_restore_creates_them()
    {
        using var protector = new AesGcmSecretProtector(Enumerable.Repeat((byte)7, 32).ToArray());
        var source = new InMemoryEventRuleStore();
        await source.CreateActionAsync(new SftpEventAction
        {
            Name = "notify",
            Options = new SftpEventActionSettings { Http = new SftpHttpActionSettings { Endpoint = "http://127.0.0.1:9/", Username = "u", Password = Password } },
        }, default);
        await source.CreateRuleAsync(new SftpEventRule
        {
            Name = "on-upload",
            Conditions = new SftpEventRuleConditions { FsEvents = ["upload"] },
            Actions = [new SftpEventRuleAction { Name = "notify", Order = 1 }],
        }, default);

        string dump;
        await using (var server = await AdminTestServer.StartAsync(services: s => s.AddSingleton<ISftpEventRuleStore>(source).AddSingleton<ISftpSecretProtector>(protector)))
        {
            using var api = server.Client(await server.TokenAsync());
            using var response = await api.GetAsync("/api/v2/dumpdata");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            dump = await response.Content.ReadAsStringAsync();
        }
        Assert.DoesNotContain(Password, dump, StringComparison.Ordinal);
        var document = JsonNode.Parse(dump)!;
        Assert.Equal("notify", document["eventActions"]![0]!["name"]!.GetValue<string>());
        Assert.StartsWith(AesGcmSecretProtector.Prefix, document["eventActions"]![0]!["options"]!["http"]!["password"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("on-upload", document["eventRules"]![0]!["name"]!.GetValue<string>());

        var target = new InMemoryEventRuleStore();
        var engine = new CountingEngine();
        await using (var server = await AdminTestServer.StartAsync(services: s => s.AddSingleton<ISftpEventRuleStore>(target)
            .AddSingleton<ISftpSecretProtector>(protector).AddSingleton<ISftpEventRuleEngine>(engine)))
        {
            using var api = server.Client(await server.TokenAsync());
            using var restored = await api.PostRawAsync("/api/v2/loaddata", dump);
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }
        Assert.Equal(Password, (await target.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(["notify"], (await target.FindRuleAsync("on-upload", default))!.Actions.Select(a => a.Name));
        Assert.Equal(1, engine.Invalidations);
    }
}
