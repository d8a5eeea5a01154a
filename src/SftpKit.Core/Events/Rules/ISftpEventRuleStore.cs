namespace SftpKit.Events.Rules;

/// <summary>
/// Where event rules and actions are kept. Implementations: <see cref="InMemoryEventRuleStore"/> (default, lost on
/// restart), the JSON-file store registered with the JSON-file account store, and the SQL store of
/// SftpKit.Providers.Sql. Instances returned are copies the caller may change. Names are compared ordinally.
/// After a change through anything but the rule engine's own callers, call <see cref="ISftpEventRuleEngine.Invalidate"/>.
/// </summary>
public interface ISftpEventRuleStore
{
    /// <summary>The rule named <paramref name="name"/>, or null.</summary>
    ValueTask<SftpEventRule?> FindRuleAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every rule, in name order.</summary>
    IAsyncEnumerable<SftpEventRule> ListRulesAsync(CancellationToken cancellationToken);

    /// <summary>Adds a rule; <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken);

    /// <summary>Replaces a rule; false when it does not exist.</summary>
    ValueTask<bool> UpdateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken);

    /// <summary>Removes a rule; false when it does not exist.</summary>
    ValueTask<bool> DeleteRuleAsync(string name, CancellationToken cancellationToken);

    /// <summary>The action named <paramref name="name"/>, or null.</summary>
    ValueTask<SftpEventAction?> FindActionAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every action, in name order.</summary>
    IAsyncEnumerable<SftpEventAction> ListActionsAsync(CancellationToken cancellationToken);

    /// <summary>Adds an action; <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateActionAsync(SftpEventAction action, CancellationToken cancellationToken);

    /// <summary>Replaces an action; false when it does not exist.</summary>
    ValueTask<bool> UpdateActionAsync(SftpEventAction action, CancellationToken cancellationToken);

    /// <summary>Removes an action; false when it does not exist; <see cref="InvalidOperationException"/> while a rule names it.</summary>
    ValueTask<bool> DeleteActionAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The outcome of a rule run or of one action in it.</summary>
public enum SftpEventRunStatus
{
    /// <summary>Every action that ran succeeded.</summary>
    Ok,

    /// <summary>At least one action failed.</summary>
    Failed,

    /// <summary>Not run (the action was skipped after a stop-on-failure, or the rule's previous run was still going).</summary>
    Skipped,
}

/// <summary>One action's part in a <see cref="SftpEventRun"/>.</summary>
public sealed class SftpEventRunAction
{
    /// <summary>The action's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Its outcome.</summary>
    public SftpEventRunStatus Status { get; set; }

    /// <summary>A generic reason for a failure (never secrets, exception text or server paths).</summary>
    public string? Error { get; set; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }
}

/// <summary>The record of one run of a rule, kept by an <see cref="ISftpEventRunStore"/> for a retention period.</summary>
public sealed class SftpEventRun
{
    /// <summary>A unique id (a GUID string, or a store-assigned id).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The rule's name.</summary>
    public string Rule { get; set; } = string.Empty;

    /// <summary>What triggered it.</summary>
    public SftpEventTrigger Trigger { get; set; }

    /// <summary>The event name (<c>upload</c>, <c>add</c>, <c>login</c>, <c>schedule</c>, <c>on-demand</c> …).</summary>
    public string Event { get; set; } = string.Empty;

    /// <summary>The account the run applied to, when any.</summary>
    public string? UserName { get; set; }

    /// <summary>The virtual path of a file event, when any.</summary>
    public string? Path { get; set; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The overall outcome.</summary>
    public SftpEventRunStatus Status { get; set; }

    /// <summary>Each action, in the order they were considered.</summary>
    public List<SftpEventRunAction> Actions { get; set; } = [];
}

/// <summary>A filter for <see cref="ISftpEventRunStore.QueryAsync"/>.</summary>
public sealed class SftpEventRunQuery
{
    /// <summary>Only runs of this rule.</summary>
    public string? Rule { get; set; }

    /// <summary>Only runs for this account.</summary>
    public string? UserName { get; set; }

    /// <summary>Only runs with this outcome.</summary>
    public SftpEventRunStatus? Status { get; set; }

    /// <summary>Only runs started at or after this time.</summary>
    public DateTimeOffset? From { get; set; }

    /// <summary>Only runs started before this time.</summary>
    public DateTimeOffset? To { get; set; }

    /// <summary>At most this many runs, newest first: 1–1000, defaults to 100.</summary>
    public int Limit { get; set; } = 100;
}

/// <summary>
/// Where run records are kept (in memory by default, bounded; SQL with the SQL store). Records older than the
/// configured retention are purged by the engine.
/// </summary>
public interface ISftpEventRunStore
{
    /// <summary>Records a run.</summary>
    ValueTask AddAsync(SftpEventRun run, CancellationToken cancellationToken);

    /// <summary>Runs matching <paramref name="query"/>, newest first.</summary>
    IAsyncEnumerable<SftpEventRun> QueryAsync(SftpEventRunQuery query, CancellationToken cancellationToken);

    /// <summary>Removes runs started before <paramref name="olderThan"/>; returns how many.</summary>
    ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the rules: reacts to events raised through <see cref="ISftpEventDispatcher"/> (file, session, provider and
/// IP-blocked events), fires schedules, and runs on-demand rules. Registered by <c>AddEventRules()</c>.
/// </summary>
public interface ISftpEventRuleEngine
{
    /// <summary>
    /// Runs an enabled <see cref="SftpEventTrigger.OnDemand"/> rule now and returns its run record.
    /// <see cref="KeyNotFoundException"/> when no such rule; <see cref="InvalidOperationException"/> when it is disabled
    /// or not on-demand.
    /// </summary>
    Task<SftpEventRun> RunOnDemandAsync(string ruleName, CancellationToken cancellationToken);

    /// <summary>Drops cached rules and actions so the next event reads them from the store again.</summary>
    void Invalidate();
}

/// <summary>
/// Failure of an action with a message safe to record and show to an admin (never secrets, exception text or server
/// paths). Executors throw it; any other exception is recorded as "action failed".
/// </summary>
public sealed class SftpEventActionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SftpEventActionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause (logged, never shown).</summary>
    public SftpEventActionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SftpEventActionException()
        : base("action failed")
    {
    }
}
