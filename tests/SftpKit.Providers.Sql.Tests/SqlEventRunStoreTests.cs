using SftpKit.Events.Rules;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>Run records (<see cref="SqlEventRunStore"/>, schema version 8) on every engine: filters, newest first, limits, purge.</summary>
public abstract class SqlEventRunStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private SqlTestDatabase? _database;

    protected abstract SqlProvider Provider { get; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private async Task<SqlEventRunStore> OpenAsync()
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        return new SqlEventRunStore(_database.Options());
    }

    private static SftpEventRun Run(int minute, string rule, string? user, SftpEventRunStatus status) => new()
    {
        Rule = rule,
        Trigger = SftpEventTrigger.FileSystem,
        Event = "upload",
        UserName = user,
        Path = "/in/" + EventRuleNames.Nasty,
        StartedAt = T0.AddMinutes(minute),
        Duration = TimeSpan.FromMilliseconds(1234),
        Status = status,
        Actions =
        [
            new SftpEventRunAction { Name = "notify", Status = SftpEventRunStatus.Failed, Error = "HTTP 503", Duration = TimeSpan.FromMilliseconds(1200) },
            new SftpEventRunAction { Name = "archive", Status = SftpEventRunStatus.Skipped },
        ],
    };

    private static async Task<List<SftpEventRun>> QueryAsync(SqlEventRunStore store, SftpEventRunQuery query)
    {
        var runs = new List<SftpEventRun>();
        await foreach (var run in store.QueryAsync(query, default))
        {
            runs.Add(run);
        }
        return runs;
    }

    [Fact]
    public async Task Runs_round_trip_and_are_filtered_newest_first()
    {
        var store = await OpenAsync();
        for (int i = 0; i < 6; i++)
        {
            await store.AddAsync(Run(i, i % 2 == 0 ? "even" : "odd", i < 3 ? "ann" : null, i == 4 ? SftpEventRunStatus.Failed : SftpEventRunStatus.Ok), default);
        }
        var given = Run(10, "given", "bob", SftpEventRunStatus.Ok);
        given.Id = "my-own-id";
        await store.AddAsync(given, default);

        var other = new SqlEventRunStore(_database!.Options());
        var all = await QueryAsync(other, new SftpEventRunQuery());
        Assert.Equal(["given", "odd", "even", "odd", "even", "odd", "even"], all.Select(r => r.Rule));
        var first = all[0];
        Assert.Equal(("my-own-id", SftpEventTrigger.FileSystem, "upload", "bob", "/in/" + EventRuleNames.Nasty, T0.AddMinutes(10), TimeSpan.FromMilliseconds(1234)),
            (first.Id, first.Trigger, first.Event, first.UserName, first.Path, first.StartedAt, first.Duration));
        Assert.Equal([("notify", SftpEventRunStatus.Failed, "HTTP 503", 1200.0), ("archive", SftpEventRunStatus.Skipped, null, 0.0)],
            first.Actions.Select(a => (a.Name, a.Status, a.Error, a.Duration.TotalMilliseconds)));
        Assert.All(all.Skip(1), r => Assert.Equal(32, r.Id.Length)); // a GUID each when none was given
        Assert.Equal(7, all.Select(r => r.Id).Distinct().Count());

        Assert.Equal([4, 2, 0], (await QueryAsync(other, new SftpEventRunQuery { Rule = "even" })).Select(Minute));
        Assert.Equal([2, 1, 0], (await QueryAsync(other, new SftpEventRunQuery { UserName = "ann" })).Select(Minute));
        Assert.Equal([4], (await QueryAsync(other, new SftpEventRunQuery { Status = SftpEventRunStatus.Failed })).Select(Minute));
        Assert.Equal([3, 2], (await QueryAsync(other, new SftpEventRunQuery { From = T0.AddMinutes(2), To = T0.AddMinutes(4) })).Select(Minute));
        Assert.Equal([10, 5], (await QueryAsync(other, new SftpEventRunQuery { Limit = 2 })).Select(Minute));
        Assert.Single(await QueryAsync(other, new SftpEventRunQuery { Limit = 0 })); // clamped to 1
        Assert.Equal([2, 0], (await QueryAsync(other, new SftpEventRunQuery { Rule = "even", UserName = "ann", Status = SftpEventRunStatus.Ok })).Select(Minute));
        Assert.Empty(await QueryAsync(other, new SftpEventRunQuery { Rule = EventRuleNames.Nasty }));
    }

    [Fact]
    public async Task Purge_removes_the_runs_started_before_the_cut()
    {
        var store = await OpenAsync();
        for (int i = 0; i < 5; i++)
        {
            await store.AddAsync(Run(i, "r", "ann", SftpEventRunStatus.Ok), default);
        }
        Assert.Equal(3, await store.PurgeAsync(T0.AddMinutes(3), default));
        Assert.Equal(0, await store.PurgeAsync(T0.AddMinutes(3), default));
        Assert.Equal([4, 3], (await QueryAsync(store, new SftpEventRunQuery())).Select(Minute));
    }

    [Fact]
    public async Task Bad_runs_are_refused()
    {
        var store = await OpenAsync();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(new SftpEventRun { Rule = "" }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(new SftpEventRun { Rule = "r", Id = new string('x', 65) }, default));
    }

    private static int Minute(SftpEventRun run) => (int)(run.StartedAt - T0).TotalMinutes;
}

/// <summary>Names shared by the run tests.</summary>
internal static class EventRuleNames
{
    public const string Nasty = SftpKit.Tests.Events.Rules.EventRuleStoreContractTests.Nasty;
}

public sealed class SqliteEventRunStoreTests : SqlEventRunStoreTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlEventRunStoreTests : SqlEventRunStoreTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlEventRunStoreTests : SqlEventRunStoreTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
