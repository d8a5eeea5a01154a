namespace SftpKit.Events.Rules;

/// <summary>
/// One run of one rule: what triggered it, the actions it may run, their progress (a failure, a stop) and the run
/// record being filled. Its synchronous part runs on the event's path, the rest later from the queue.
/// </summary>
internal sealed class EventRuleInvocation
{
    public EventRuleInvocation(SftpEventRule rule, string eventName, SftpEvent? @event, string? userName,
        IReadOnlyDictionary<string, SftpEventAction> actions, DateTimeOffset startedAt, long startTimestamp)
    {
        Rule = rule;
        EventName = eventName;
        Event = @event;
        UserName = userName;
        Actions = actions;
        StartTimestamp = startTimestamp;
        Run = new SftpEventRun
        {
            Id = Guid.NewGuid().ToString("N"),
            Rule = rule.Name,
            Trigger = rule.Trigger,
            Event = eventName,
            UserName = userName,
            Path = @event?.Kind is SftpEventKind.SshCommand ? null : @event?.Path,
            StartedAt = startedAt,
        };
    }

    public SftpEventRule Rule { get; }

    public string EventName { get; }

    public SftpEvent? Event { get; }

    /// <summary>The account the run's actions apply to (the event's user; for a provider change of an account, that account).</summary>
    public string? UserName { get; }

    /// <summary>The actions by name, as read with the rule.</summary>
    public IReadOnlyDictionary<string, SftpEventAction> Actions { get; }

    /// <summary>Accounts the per-account actions of a schedule or on-demand run apply to; null for event runs.</summary>
    public IReadOnlyList<string>? Accounts { get; set; }

    /// <summary>The role of <see cref="UserName"/>, for placeholders.</summary>
    public string? Role { get; set; }

    public long StartTimestamp { get; }

    public SftpEventRun Run { get; }

    /// <summary>A non-failure action failed.</summary>
    public bool Failed { get; set; }

    /// <summary>A stop-on-failure action failed: the remaining non-failure actions are skipped.</summary>
    public bool Stopped { get; set; }

    /// <summary>Non-failure actions that run on the event's path, in order.</summary>
    public IEnumerable<SftpEventRuleAction> SyncActions => Rule.Actions.Where(a => a.ExecuteSync && !a.IsFailureAction);

    /// <summary>Non-failure actions that run from the queue, in order.</summary>
    public IEnumerable<SftpEventRuleAction> AsyncActions => Rule.Actions.Where(a => !a.ExecuteSync && !a.IsFailureAction);

    /// <summary>Failure actions, in order; they run (from the queue) only after a failure.</summary>
    public IEnumerable<SftpEventRuleAction> FailureActions => Rule.Actions.Where(a => a.IsFailureAction);

    /// <summary>Whether anything is left for the queue after the synchronous part.</summary>
    public bool HasQueuedWork => AsyncActions.Any() || (Failed && FailureActions.Any());
}
