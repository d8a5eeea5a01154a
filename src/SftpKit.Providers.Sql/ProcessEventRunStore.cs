using System.Runtime.CompilerServices;
using SftpKit.Events.Rules;

namespace SftpKit.Providers.Sql;

/// <summary>
/// The run store of the read-only SQL mode when no other was registered before <c>AddSqlUserStore</c> (that mode
/// creates no tables): the newest <see cref="Capacity"/> runs of this process, in memory.
/// </summary>
internal sealed class ProcessEventRunStore : ISftpEventRunStore
{
    public const int Capacity = 1000;

    private readonly Lock _lock = new();
    private readonly LinkedList<SftpEventRun> _runs = new();

    public ValueTask AddAsync(SftpEventRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var copy = Copy(run);
        if (string.IsNullOrEmpty(copy.Id))
        {
            run.Id = copy.Id = Guid.NewGuid().ToString("N");
        }
        lock (_lock)
        {
            _runs.AddFirst(copy);
            if (_runs.Count > Capacity)
            {
                _runs.RemoveLast();
            }
        }
        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<SftpEventRun> QueryAsync(SftpEventRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<SftpEventRun> matches;
        lock (_lock)
        {
            matches = _runs.Where(r => (query.Rule is null || r.Rule == query.Rule) && (query.UserName is null || r.UserName == query.UserName)
                    && (query.Status is null || r.Status == query.Status) && (query.From is null || r.StartedAt >= query.From)
                    && (query.To is null || r.StartedAt < query.To))
                .OrderByDescending(r => r.StartedAt)
                .Take(Math.Clamp(query.Limit, 1, SqlEventRunStore.MaxQueryLimit))
                .Select(Copy)
                .ToList();
        }
        foreach (var run in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return run;
        }
        await Task.CompletedTask;
    }

    public ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        int removed = 0;
        lock (_lock)
        {
            for (var node = _runs.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.StartedAt < olderThan)
                {
                    _runs.Remove(node);
                    removed++;
                }
                node = next;
            }
        }
        return ValueTask.FromResult(removed);
    }

    private static SftpEventRun Copy(SftpEventRun run) => new()
    {
        Id = run.Id,
        Rule = run.Rule,
        Trigger = run.Trigger,
        Event = run.Event,
        UserName = run.UserName,
        Path = run.Path,
        StartedAt = run.StartedAt,
        Duration = run.Duration,
        Status = run.Status,
        Actions = (run.Actions ?? []).Select(a => new SftpEventRunAction { Name = a.Name, Status = a.Status, Error = a.Error, Duration = a.Duration }).ToList(),
    };
}
