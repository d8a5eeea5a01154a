using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Stands in for the rule engine: counts reloads; an on-demand run "fails" its first action and is recorded.</summary>
internal sealed class EngineDouble(RunStoreDouble runs) : ISftpEventRuleEngine
{
    private int _invalidations;

    public int Invalidations => Volatile.Read(ref _invalidations);

    public void Invalidate() => Interlocked.Increment(ref _invalidations);

    public async Task<SftpEventRun> RunOnDemandAsync(string ruleName, CancellationToken cancellationToken)
    {
        var run = new SftpEventRun
        {
            Id = Guid.NewGuid().ToString("N"), Rule = ruleName, Trigger = SftpEventTrigger.OnDemand, Event = "on-demand",
            StartedAt = DateTimeOffset.UtcNow, Status = SftpEventRunStatus.Failed,
            Actions = [new SftpEventRunAction { Name = "notify", Status = SftpEventRunStatus.Failed, Error = "endpoint unreachable" }],
        };
        await runs.AddAsync(run, cancellationToken);
        return run;
    }
}

/// <summary>Run records in a list (the engine's store is not merged yet).</summary>
internal sealed class RunStoreDouble : ISftpEventRunStore
{
    private readonly ConcurrentQueue<SftpEventRun> _runs = new();

    public ValueTask AddAsync(SftpEventRun run, CancellationToken cancellationToken)
    {
        _runs.Enqueue(run);
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<SftpEventRun> QueryAsync(SftpEventRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var run in _runs.Reverse().Where(r => (query.Rule is null || r.Rule == query.Rule) && (query.Status is null || r.Status == query.Status)
            && (query.From is null || r.StartedAt >= query.From) && (query.To is null || r.StartedAt < query.To)).Take(query.Limit))
        {
            yield return run;
        }
    }

    public ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => ValueTask.FromResult(0);
}

/// <summary>Collects provider events.</summary>
internal sealed class ProviderEventCollector : ISftpEventHandler, IDisposable
{
    private readonly ConcurrentQueue<SftpEvent> _events = new();
    private readonly SemaphoreSlim _signal = new(0);

    public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (sftpEvent.Kind == SftpEventKind.ProviderChange)
        {
            _events.Enqueue(sftpEvent);
            _signal.Release();
        }
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _signal.Dispose();

    public async Task<SftpEvent> WaitAsync(Func<SftpEvent, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_events.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await _signal.WaitAsync(timeout.Token);
        }
    }
}
