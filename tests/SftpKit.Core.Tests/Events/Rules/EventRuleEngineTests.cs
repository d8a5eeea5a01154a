using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using SftpKit.Events.Rules;
using SftpKit.Policies;
using static SftpKit.Tests.Events.Rules.RuleTestSupport;

namespace SftpKit.Tests.Events.Rules;

public class EventRuleEngineTests
{
    [Fact]
    public async Task HttpAction_FailingTwiceThenSucceeding_IsRetried_AndTheRunIsOk()
    {
        int calls = 0;
        await using var server = new LoopbackHttpServer(_ => Interlocked.Increment(ref calls) <= 2 ? 503 : 204);
        await using var services = Services();
        await AddAsync(services, new SftpEventRule { Name = "notify", Trigger = SftpEventTrigger.OnDemand, Actions = [Use("hook", 1)] },
            Http("hook", server.Url, retries: 2));

        var run = await services.GetRequiredService<ISftpEventRuleEngine>().RunOnDemandAsync("notify", CancellationToken.None);

        Assert.Equal(SftpEventRunStatus.Ok, run.Status);
        Assert.Equal(3, Volatile.Read(ref calls));
        var request = await server.NextAsync();
        Assert.Equal("notify", request.Field("rule"));
        Assert.Equal("on-demand", request.Field("event"));
        var recorded = Assert.Single(await RunsAsync(services, "notify"));
        Assert.Equal(run.Id, recorded.Id);
        Assert.Equal(SftpEventTrigger.OnDemand, recorded.Trigger);
        Assert.Equal(SftpEventRunStatus.Ok, Assert.Single(recorded.Actions).Status);
    }

    [Fact]
    public async Task HttpAction_FailingMoreThanItsRetries_FailsTheRun()
    {
        int calls = 0;
        await using var server = new LoopbackHttpServer(_ => { Interlocked.Increment(ref calls); return 500; });
        await using var services = Services();
        await AddAsync(services, new SftpEventRule { Name = "notify", Trigger = SftpEventTrigger.OnDemand, Actions = [Use("hook", 1)] },
            Http("hook", server.Url, retries: 1));

        var run = await services.GetRequiredService<ISftpEventRuleEngine>().RunOnDemandAsync("notify", CancellationToken.None);

        Assert.Equal(SftpEventRunStatus.Failed, run.Status);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal("the endpoint answered HTTP 500", Assert.Single(run.Actions).Error);
    }

    [Fact]
    public async Task StopOnFailure_SkipsTheRest_AndRunsTheFailureAction()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var services = Services(o => o.AllowedCommands.Add("/bin/false"));
        await AddAsync(services,
            new SftpEventRule
            {
                Name = "chain",
                Trigger = SftpEventTrigger.OnDemand,
                Actions = [Use("on-failure", 0, failure: true), Use("fails", 1, stop: true), Use("never", 2)],
            },
            Command("fails", "/bin/false"),
            Http("never", new Uri(server.Url, "/never")),
            Http("on-failure", server.Url, body: "{\"failed\":\"{{RuleName}}\"}"));

        var run = await services.GetRequiredService<ISftpEventRuleEngine>().RunOnDemandAsync("chain", CancellationToken.None);

        Assert.Equal(SftpEventRunStatus.Failed, run.Status);
        Assert.Equal(["fails", "never", "on-failure"], run.Actions.Select(a => a.Name));
        Assert.Equal([SftpEventRunStatus.Failed, SftpEventRunStatus.Skipped, SftpEventRunStatus.Ok], run.Actions.Select(a => a.Status));
        Assert.Equal("the command exited with 1", run.Actions[0].Error);
        var request = await server.NextAsync();
        Assert.Equal("chain", request.Field("failed"));
        Assert.False(server.TryNext(out _));
    }

    [Fact]
    public async Task FailureActions_DoNotRun_WhenNothingFailed()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var services = Services(o => o.AllowedCommands.Add("/bin/true"));
        await AddAsync(services,
            new SftpEventRule { Name = "ok", Trigger = SftpEventTrigger.OnDemand, Actions = [Use("works", 1), Use("on-failure", 2, failure: true)] },
            Command("works", "/bin/true"),
            Http("on-failure", server.Url));

        var run = await services.GetRequiredService<ISftpEventRuleEngine>().RunOnDemandAsync("ok", CancellationToken.None);

        Assert.Equal(SftpEventRunStatus.Ok, run.Status);
        Assert.Equal("works", Assert.Single(run.Actions).Name);
        Assert.False(server.TryNext(out _));
    }

    [Fact]
    public async Task CommandAction_OutsideTheAllowList_Fails()
    {
        await using var services = Services();
        await AddAsync(services, new SftpEventRule { Name = "cmd", Trigger = SftpEventTrigger.OnDemand, Actions = [Use("run", 1)] },
            Command("run", "/bin/true"));

        var run = await services.GetRequiredService<ISftpEventRuleEngine>().RunOnDemandAsync("cmd", CancellationToken.None);

        Assert.Equal("the command is not in the allowed commands", Assert.Single(run.Actions).Error);
    }

    [Fact]
    public async Task OnDemand_RejectsUnknownDisabledAndOtherRules()
    {
        await using var services = Services();
        var engine = services.GetRequiredService<ISftpEventRuleEngine>();
        await AddAsync(services, new SftpEventRule { Name = "off", Trigger = SftpEventTrigger.OnDemand, Enabled = false });
        await AddAsync(services, new SftpEventRule { Name = "fs", Trigger = SftpEventTrigger.FileSystem, Conditions = new() { FsEvents = ["upload"] } });

        await Assert.ThrowsAsync<KeyNotFoundException>(() => engine.RunOnDemandAsync("nope", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunOnDemandAsync("off", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunOnDemandAsync("fs", CancellationToken.None));
    }

    [Fact]
    public async Task PreUpload_FailingSyncAction_Denies_OnlyOnMatchingPaths()
    {
        await using var services = Services(o => o.AllowedCommands.Add("/bin/false"));
        await AddAsync(services,
            new SftpEventRule
            {
                Name = "gate",
                Conditions = new() { FsEvents = ["pre-upload"], FsPaths = [new SftpEventPattern { Pattern = "/locked/**" }] },
                Actions = [Use("check", 1, sync: true)],
            },
            Command("check", "/bin/false"));
        var dispatcher = services.GetRequiredService<ISftpEventDispatcher>();

        var denied = await dispatcher.RaisePreAsync(EventTestSupport.Upload("/locked/a/b.csv"), CancellationToken.None);
        var allowed = await dispatcher.RaisePreAsync(EventTestSupport.Upload("/open/b.csv"), CancellationToken.None);

        Assert.False(denied.IsAllowed);
        Assert.True(allowed.IsAllowed);
        var run = Assert.Single(await RunsAsync(services, "gate"));
        Assert.Equal("pre-upload", run.Event);
        Assert.Equal("/locked/a/b.csv", run.Path);
        Assert.Equal(SftpEventRunStatus.Failed, run.Status);
    }

    [Fact]
    public async Task PostEvent_AsyncAction_RunsFromTheQueue_WithConditions()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var services = Services();
        await AddAsync(services,
            new SftpEventRule
            {
                Name = "uploads",
                Conditions = new()
                {
                    FsEvents = ["upload"],
                    Names = [new SftpEventPattern { Pattern = "bob", InverseMatch = true }],
                    Protocols = ["SFTP"],
                    MinFileSize = 100,
                    EventStatuses = [SftpEventStatus.Ok],
                },
                Actions = [Use("hook", 1)],
            },
            Http("hook", server.Url));
        var dispatcher = services.GetRequiredService<ISftpEventDispatcher>();

        dispatcher.RaisePost(EventTestSupport.Upload("/skip/by-user") with { UserName = "bob" });
        dispatcher.RaisePost(EventTestSupport.Upload("/skip/small") with { Size = 10 });
        dispatcher.RaisePost(EventTestSupport.Upload("/skip/failed") with { Status = SftpEventStatus.Failed });
        dispatcher.RaisePost(EventTestSupport.Upload("/skip/scp") with { Protocol = SftpEventProtocol.Scp });
        dispatcher.RaisePost(EventTestSupport.Upload("/in/taken.csv"));

        var request = await server.NextAsync();
        Assert.Equal("/in/taken.csv", request.Field("path"));
        Assert.Equal("alice", request.Field("name"));
        Assert.Equal("127.0.0.1", request.Field("ip"));
        var run = Assert.Single(await WaitForRunsAsync(services, "uploads"));
        Assert.Equal("alice", run.UserName);
        Assert.False(server.TryNext(out _));
    }

    [Fact]
    public async Task DefenderBan_RaisesIpBlocked_ForIpBlockedRules()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var services = Services();
        await AddAsync(services, new SftpEventRule { Name = "banned", Trigger = SftpEventTrigger.IpBlocked, Actions = [Use("hook", 1)] },
            Http("hook", server.Url));

        await services.GetRequiredService<ISftpDefender>().BanAsync(IPAddress.Parse("192.0.2.7"), TimeSpan.FromMinutes(5));

        var request = await server.NextAsync();
        Assert.Equal("ip-blocked", request.Field("event"));
        Assert.Equal("192.0.2.7", request.Field("ip"));
    }

    [Fact]
    public async Task ProviderChange_MatchesActionObjectTypeAndName()
    {
        await using var server = new LoopbackHttpServer(_ => 200);
        await using var services = Services();
        await AddAsync(services,
            new SftpEventRule
            {
                Name = "accounts",
                Trigger = SftpEventTrigger.Provider,
                Conditions = new() { ProviderEvents = ["add"], ProviderObjects = ["user"], Names = [new SftpEventPattern { Pattern = "cust_*" }] },
                Actions = [Use("hook", 1)],
            },
            Http("hook", server.Url, body: "{\"name\":\"{{Name}}\",\"type\":\"{{ObjectType}}\",\"event\":\"{{Event}}\"}"));
        var dispatcher = services.GetRequiredService<ISftpEventDispatcher>();

        SftpProviderEvents.Raise(dispatcher, "add", SftpProviderEvents.Group, "cust_group", "admin");
        SftpProviderEvents.Raise(dispatcher, "update", SftpProviderEvents.User, "cust_2", "admin");
        SftpProviderEvents.Raise(dispatcher, "add", SftpProviderEvents.User, "staff", "admin");
        SftpProviderEvents.Raise(dispatcher, "add", SftpProviderEvents.User, "cust_1", "admin");

        var request = await server.NextAsync();
        Assert.Equal("cust_1", request.Field("name"));
        Assert.Equal("user", request.Field("type"));
        Assert.Equal("add", request.Field("event"));
        Assert.Single(await WaitForRunsAsync(services, "accounts"));
        Assert.False(server.TryNext(out _));
    }

    [Fact]
    public async Task RunStore_KeepsTheNewest_AndPurgesOldRuns()
    {
        var store = new InMemoryEventRunStore(3);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 5; i++)
        {
            await store.AddAsync(new SftpEventRun { Rule = i % 2 == 0 ? "even" : "odd", StartedAt = start.AddMinutes(i), Status = SftpEventRunStatus.Ok }, default);
        }
        var all = new List<SftpEventRun>();
        await foreach (var run in store.QueryAsync(new SftpEventRunQuery(), default))
        {
            all.Add(run);
        }
        Assert.Equal([start.AddMinutes(4), start.AddMinutes(3), start.AddMinutes(2)], all.Select(r => r.StartedAt));
        Assert.All(all, r => Assert.False(string.IsNullOrEmpty(r.Id)));
        var even = new List<SftpEventRun>();
        await foreach (var run in store.QueryAsync(new SftpEventRunQuery { Rule = "even", Limit = 1 }, default))
        {
            even.Add(run);
        }
        Assert.Equal(start.AddMinutes(4), Assert.Single(even).StartedAt);
        Assert.Equal(2, await store.PurgeAsync(start.AddMinutes(4), default));
    }

    [Fact]
    public async Task FullQueue_DropsRuns_AndRecordsThemAsSkipped()
    {
        await using var server = new LoopbackHttpServer(_ => null);
        await using var services = Services(o => { o.QueueCapacity = 1; o.Concurrency = 1; });
        await AddAsync(services,
            new SftpEventRule { Name = "busy", Conditions = new() { FsEvents = ["upload"] }, Actions = [Use("hook", 1)] },
            Http("hook", server.Url));
        var dispatcher = services.GetRequiredService<ISftpEventDispatcher>();

        for (int i = 0; i < 5; i++)
        {
            dispatcher.RaisePost(EventTestSupport.Upload($"/in/{i}.csv"));
        }

        var dropped = (await WaitForRunsAsync(services, "busy")).First();
        Assert.Equal(SftpEventRunStatus.Failed, dropped.Status);
        var action = Assert.Single(dropped.Actions);
        Assert.Equal(SftpEventRunStatus.Skipped, action.Status);
        Assert.Equal("queue full", action.Error);
    }

    [Fact]
    public async Task InterestFilter_FollowsTheTriggersOfTheFreshRules()
    {
        await using var services = Services();
        var engine = services.GetRequiredService<ISftpEventRuleEngine>();
        var filter = (IEventInterestFilter)engine;
        var handler = (ISftpEventHandler)engine;
        var upload = EventTestSupport.Upload("/in/a.csv");
        var login = EventTestSupport.Upload("/") with { Kind = SftpEventKind.Login };

        Assert.True(filter.Wants(upload, pre: false)); // nothing read yet: take the full path, which reads the rules
        await handler.OnPostEventAsync(upload, CancellationToken.None);
        Assert.False(filter.Wants(upload, pre: false));
        Assert.False(filter.Wants(upload, pre: true));
        Assert.False(filter.Wants(login, pre: false));

        await AddAsync(services, new SftpEventRule { Name = "logins", Trigger = SftpEventTrigger.Session, Conditions = new() { SessionEvents = ["login"] } });
        Assert.True(filter.Wants(upload, pre: false)); // invalidated: stale until the next full path
        await handler.OnPostEventAsync(login, CancellationToken.None);
        Assert.True(filter.Wants(login, pre: false));
        Assert.False(filter.Wants(upload, pre: false));

        await AddAsync(services, new SftpEventRule { Name = "uploads", Conditions = new() { FsEvents = ["upload"] } });
        await handler.OnPostEventAsync(upload, CancellationToken.None);
        Assert.True(filter.Wants(upload, pre: false));
        Assert.True(filter.Wants(upload, pre: true));
        Assert.False(filter.Wants(upload with { Kind = SftpEventKind.Chmod }, pre: false));
    }
}
