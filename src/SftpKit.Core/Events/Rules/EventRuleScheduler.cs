using System.Collections.Concurrent;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.Events.Rules;

/// <summary>
/// Fires schedule rules and purges old run records. Wakes at the next cron occurrence of any schedule rule, and at
/// least once a minute to see changed rules; runs each rule once per wake-up however many of its occurrences passed
/// since the last (a host paused for an hour runs an hourly rule once). Cron expressions have five fields (Cronos,
/// standard format) read in the schedule's time zone (UTC when none). Time comes from the registered
/// <see cref="TimeProvider"/>, so a fake clock drives it in tests. Runs go through the engine's queue; a rule whose
/// previous run goes on is skipped unless <see cref="SftpEventRuleConditions.ConcurrentExecution"/>. Runs older than
/// <see cref="SftpEventRuleOptions.RunRetention"/> (default 7 days) are purged every
/// <see cref="SftpEventRuleOptions.PurgeInterval"/> (default 1 hour).
/// </summary>
internal sealed class EventRuleScheduler : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan s_maxSleep = TimeSpan.FromMinutes(1);
    private readonly EventRuleCache _cache;
    private readonly SftpEventRuleEngine _engine;
    private readonly EventRuleQueue _queue;
    private readonly ISftpEventRunStore _runs;
    private readonly TimeProvider _time;
    private readonly SftpEventRuleOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Cron, string? Zone), (CronExpression Expression, TimeZoneInfo Zone)?> _parsed = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private DateTimeOffset _last;
    private DateTimeOffset _lastPurge;

    public EventRuleScheduler(EventRuleCache cache, SftpEventRuleEngine engine, EventRuleQueue queue, ISftpEventRunStore runs, TimeProvider time,
        IOptions<SftpEventRuleOptions> options, ILoggerFactory loggerFactory)
    {
        _cache = cache;
        _engine = engine;
        _queue = queue;
        _runs = runs;
        _time = time;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _last = _lastPurge = _time.GetUtcNow();
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await _queue.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
    }

    /// <summary>One pass: fires the rules due between the last pass and <paramref name="now"/>; the next wake-up.</summary>
    internal async Task<DateTimeOffset> TickAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = now + s_maxSleep;
        var snapshot = await _cache.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var rule in snapshot.Rules.Where(r => r.Trigger == SftpEventTrigger.Schedule))
        {
            bool due = false;
            foreach (var schedule in rule.Conditions.Schedules)
            {
                if (Parse(rule, schedule) is not { } cron)
                {
                    continue;
                }
                if (cron.Expression.GetNextOccurrence(_last, cron.Zone) is { } occurrence && occurrence <= now)
                {
                    due = true;
                }
                if (cron.Expression.GetNextOccurrence(now, cron.Zone) is { } upcoming && upcoming < next)
                {
                    next = upcoming;
                }
            }
            if (due)
            {
                var actions = snapshot.Actions;
                _queue.TryEnqueue(token => _engine.RunWholeAsync(rule, EventRuleTriggers.Schedule, actions, guard: true, token));
            }
        }
        _last = now;
        if (now - _lastPurge >= _options.PurgeInterval)
        {
            _lastPurge = now;
            var olderThan = now - _options.RunRetention;
            int purged = await _runs.PurgeAsync(olderThan, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                EventRulesLog.RunsPurged(_logger, purged, olderThan);
            }
        }
        return next;
    }

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = now + s_maxSleep;
            try
            {
                next = await TickAsync(now, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                EventRulesLog.EngineFailed(_logger, ex);
            }
            var delay = next - _time.GetUtcNow();
            try
            {
                await Task.Delay(delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private (CronExpression Expression, TimeZoneInfo Zone)? Parse(SftpEventRule rule, SftpEventSchedule schedule)
    {
        var key = (schedule.Cron, schedule.TimeZone);
        if (_parsed.TryGetValue(key, out var parsed))
        {
            return parsed;
        }
        try
        {
            var zone = string.IsNullOrEmpty(schedule.TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
            parsed = (CronExpression.Parse(schedule.Cron, CronFormat.Standard), zone);
        }
        catch (Exception ex) when (ex is CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            EventRulesLog.InvalidSchedule(_logger, rule.Name, schedule.Cron, schedule.TimeZone ?? "UTC");
            parsed = null;
        }
        if (_parsed.Count >= 1024)
        {
            _parsed.Clear();
        }
        _parsed[key] = parsed;
        return parsed;
    }
}
