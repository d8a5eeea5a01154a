using System.Runtime.CompilerServices;

namespace SftpKit.Events.Rules;

/// <summary>
/// Event rules and actions in memory (the default; lost on restart). Thread-safe. Names have 1–255 characters, without
/// control characters, <c>/</c> or <c>\</c> (<see cref="ArgumentException"/> otherwise), as in every store.
/// </summary>
public sealed class InMemoryEventRuleStore : ISftpEventRuleStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpEventRule> _rules = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SftpEventAction> _actions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates an empty store.</summary>
    public InMemoryEventRuleStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Creates an empty store stamping times from <paramref name="time"/>.</summary>
    public InMemoryEventRuleStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <inheritdoc />
    public ValueTask<SftpEventRule?> FindRuleAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_rules.TryGetValue(name, out var rule) ? rule.Clone() : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SftpEventRule> ListRulesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SftpEventRule[] snapshot;
        lock (_lock)
        {
            snapshot = _rules.Values.Select(r => r.Clone()).ToArray();
        }
        foreach (var rule in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return rule;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CreateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        EventRuleRecords.CheckName(rule.Name, "rule");
        lock (_lock)
        {
            if (_rules.ContainsKey(rule.Name))
            {
                throw new InvalidOperationException($"The event rule '{rule.Name}' exists.");
            }
            var copy = rule.Clone();
            copy.CreatedAt = copy.UpdatedAt = _time.GetUtcNow();
            _rules.Add(copy.Name, copy);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            if (!_rules.TryGetValue(rule.Name, out var existing))
            {
                return ValueTask.FromResult(false);
            }
            var copy = rule.Clone();
            copy.CreatedAt = existing.CreatedAt;
            copy.UpdatedAt = _time.GetUtcNow();
            _rules[copy.Name] = copy;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteRuleAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_rules.Remove(name));
        }
    }

    /// <inheritdoc />
    public ValueTask<SftpEventAction?> FindActionAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_actions.TryGetValue(name, out var action) ? action.Clone() : null);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SftpEventAction> ListActionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SftpEventAction[] snapshot;
        lock (_lock)
        {
            snapshot = _actions.Values.Select(a => a.Clone()).ToArray();
        }
        foreach (var action in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return action;
        }
        await Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CreateActionAsync(SftpEventAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        EventRuleRecords.CheckName(action.Name, "action");
        lock (_lock)
        {
            if (_actions.ContainsKey(action.Name))
            {
                throw new InvalidOperationException($"The event action '{action.Name}' exists.");
            }
            _actions.Add(action.Name, action.Clone());
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> UpdateActionAsync(SftpEventAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_lock)
        {
            if (!_actions.ContainsKey(action.Name))
            {
                return ValueTask.FromResult(false);
            }
            _actions[action.Name] = action.Clone();
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteActionAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_rules.Values.Any(r => r.Actions.Any(a => string.Equals(a.Name, name, StringComparison.Ordinal))))
            {
                throw new InvalidOperationException($"The event action '{name}' is used by a rule.");
            }
            return ValueTask.FromResult(_actions.Remove(name));
        }
    }
}
