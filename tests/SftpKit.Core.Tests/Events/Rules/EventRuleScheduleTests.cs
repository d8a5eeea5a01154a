using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Events.Rules;
using SftpKit.Tests.Policies;
using static SftpKit.Tests.Events.Rules.RuleTestSupport;

namespace SftpKit.Tests.Events.Rules;

/// <summary>A schedule rule on a real server whose clock is fake: advancing it fires the rule.</summary>
public sealed class EventRuleScheduleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly AccountTestServer _server;

    public EventRuleScheduleTests()
    {
        _server = new AccountTestServer { Time = _time, ConfigureServer = b => b.AddEventRules() };
    }

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task HourlySchedule_RunsTheRetentionCheck_ForMatchingAccounts()
    {
        var kept = await _server.AddAccountAsync("sched-other");
        var account = await _server.AddAccountAsync("sched-user");
        string old = Path.Combine(account.HomeDirectory!, "old.log");
        string fresh = Path.Combine(account.HomeDirectory!, "fresh.log");
        string otherOld = Path.Combine(kept.HomeDirectory!, "old.log");
        foreach (var file in new[] { old, fresh, otherOld })
        {
            await File.WriteAllTextAsync(file, "x");
        }
        File.SetLastWriteTimeUtc(old, _time.GetUtcNow().UtcDateTime.AddHours(-48));
        File.SetLastWriteTimeUtc(otherOld, _time.GetUtcNow().UtcDateTime.AddHours(-48));
        await AddAsync(_server.Services,
            new SftpEventRule
            {
                Name = "cleanup",
                Trigger = SftpEventTrigger.Schedule,
                Conditions = new()
                {
                    Schedules = [new SftpEventSchedule { Cron = "0 * * * *", TimeZone = "Europe/Rome" }],
                    Names = [new SftpEventPattern { Pattern = "sched-user" }],
                },
                Actions = [Use("retention", 1)],
            },
            new SftpEventAction
            {
                Name = "retention",
                Type = SftpEventActionType.DataRetentionCheck,
                Options = new() { Retention = new() { Folders = [new SftpRetentionFolder { Path = "/", RetentionHours = 24 }] } },
            });
        Assert.Empty(await RunsAsync(_server.Services, "cleanup"));

        _time.Advance(TimeSpan.FromHours(1));

        var run = Assert.Single(await WaitForRunsAsync(_server.Services, "cleanup"));
        Assert.Equal(SftpEventRunStatus.Ok, run.Status);
        Assert.Equal("schedule", run.Event);
        Assert.Equal(SftpEventTrigger.Schedule, run.Trigger);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(otherOld));
    }
}
