using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace SftpKit.Events.Rules;

/// <summary>
/// Run records in memory (the default <see cref="ISftpEventRunStore"/>; lost on restart): at most
/// <see cref="SftpEventRuleOptions.MaxRunRecords"/> (default 10,000), the oldest dropped first. Thread-safe.
/// </summary>
public sealed class InMemoryEventRunStore : ISftpEventRunStore
{
    private readonly Lock _lock = new();
    private readonly LinkedList<SftpEventRun> _runs = new();
    private readonly int _capacity;

    internal InMemoryEventRunStore(IOptions<SftpEventRuleOptions> options)
        : this(options.Value.MaxRunRecords)
    {
    }

    /// <summary>Keeps at most <paramref name="capacity"/> runs (at least 1), dropping the oldest first.</summary>
    public InMemoryEventRunStore(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <inheritdoc />
    public ValueTask AddAsync(SftpEventRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var copy = Copy(run);
        if (string.IsNullOrEmpty(copy.Id))
        {
            copy.Id = Guid.NewGuid().ToString("N");
        }
        lock (_lock)
        {
            // Newest first; a run that started earlier than the newest (a long one) goes in its place by start time.
            var node = _runs.First;
            while (node is not null && node.Value.StartedAt > copy.StartedAt)
            {
                node = node.Next;
            }
            if (node is null)
            {
                _runs.AddLast(copy);
            }
            else
            {
                _runs.AddBefore(node, copy);
            }
            while (_runs.Count > _capacity)
            {
                _runs.RemoveLast();
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SftpEventRun> QueryAsync(SftpEventRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        int limit = Math.Clamp(query.Limit, 1, 1000);
        List<SftpEventRun> found = new();
        lock (_lock)
        {
            foreach (var run in _runs)
            {
                if ((query.Rule is null || string.Equals(run.Rule, query.Rule, StringComparison.Ordinal))
                    && (query.UserName is null || string.Equals(run.UserName, query.UserName, StringComparison.Ordinal))
                    && (query.Status is null || run.Status == query.Status)
                    && (query.From is null || run.StartedAt >= query.From)
                    && (query.To is null || run.StartedAt < query.To))
                {
                    found.Add(Copy(run));
                    if (found.Count == limit)
                    {
                        break;
                    }
                }
            }
        }
        foreach (var run in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return run;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        int removed = 0;
        lock (_lock)
        {
            while (_runs.Last is { } last && last.Value.StartedAt < olderThan)
            {
                _runs.RemoveLast();
                removed++;
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
        Actions = run.Actions.Select(a => new SftpEventRunAction { Name = a.Name, Status = a.Status, Error = a.Error, Duration = a.Duration }).ToList(),
    };
}
