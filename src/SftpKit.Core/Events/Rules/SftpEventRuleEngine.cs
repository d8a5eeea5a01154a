using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SftpKit.Events.Rules;

/// <summary>
/// The rule engine (<c>AddEventRules()</c>): an event handler for pre- and post-events that finds the enabled rules
/// whose trigger and conditions match, runs their synchronous actions on the event's path (for <c>pre-*</c> events a
/// failure denies the operation; bounded by the dispatcher's pre- or post-event timeout) and queues the rest
/// (<see cref="EventRuleQueue"/>). Rules and actions come from <see cref="EventRuleCache"/> (re-read after
/// <see cref="Invalidate"/> or <see cref="SftpEventRuleOptions.CacheDuration"/>, default 10 s). Schedules are fired by
/// <see cref="EventRuleScheduler"/>; on-demand rules by <see cref="RunOnDemandAsync"/>.
/// </summary>
internal sealed class SftpEventRuleEngine : ISftpEventRuleEngine, ISftpEventHandler, IEventPhaseFilter, IEventInterestFilter
{
    private readonly EventRuleCache _cache;
    private readonly EventRuleRunner _runner;
    private readonly EventRuleAccounts _accounts;
    private readonly EventRuleQueue _queue;
    private readonly FirstTransferTracker _first;
    private readonly ISftpEventRuleStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _running = new(StringComparer.Ordinal);

    public SftpEventRuleEngine(EventRuleCache cache, EventRuleRunner runner, EventRuleAccounts accounts, EventRuleQueue queue,
        FirstTransferTracker first, ISftpEventRuleStore store, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _cache = cache;
        _runner = runner;
        _accounts = accounts;
        _queue = queue;
        _first = first;
        _store = store;
        _time = time;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
    }

    public bool HandlesPreEvents => true;

    public bool HandlesPostEvents => true;

    public void Invalidate() => _cache.Invalidate();

    /// <summary>
    /// False when the event maps to no trigger, or when the fresh rule snapshot has no enabled rule with its trigger:
    /// the dispatcher then skips this engine for the event (no timeout source, no queue hand-off). A stale or
    /// missing snapshot answers true, so the event takes the full path, which re-reads the rules.
    /// </summary>
    public bool Wants(SftpEvent sftpEvent, bool pre)
    {
        if (EventRuleTriggers.Map(sftpEvent, pre) is not { } mapped)
        {
            return false;
        }
        return _cache.PeekFresh() is not { } snapshot || snapshot.Triggers.Contains(mapped.Trigger);
    }

    public async ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        string? deniedBy = await HandleAsync(sftpEvent, pre: true, cancellationToken).ConfigureAwait(false);
        return deniedBy is null ? SftpEventDecision.Allow : SftpEventDecision.Deny($"denied by event rule {deniedBy}");
    }

    public async ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        => await HandleAsync(sftpEvent, pre: false, cancellationToken).ConfigureAwait(false);

    public async Task<SftpEventRun> RunOnDemandAsync(string ruleName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ruleName);
        var rule = await _store.FindRuleAsync(ruleName, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No event rule is named '{ruleName}'.");
        if (!rule.Enabled || rule.Trigger != SftpEventTrigger.OnDemand)
        {
            throw new InvalidOperationException($"The event rule '{ruleName}' is disabled or not an on-demand rule.");
        }
        rule.Actions = rule.Actions.Select((a, i) => (a, i)).OrderBy(p => p.a.Order).ThenBy(p => p.i).Select(p => p.a).ToList();
        var actions = new Dictionary<string, SftpEventAction>(StringComparer.Ordinal);
        foreach (var ruleAction in rule.Actions)
        {
            if (!actions.ContainsKey(ruleAction.Name) && await _store.FindActionAsync(ruleAction.Name, cancellationToken).ConfigureAwait(false) is { } action)
            {
                actions[action.Name] = action;
            }
        }
        return (await RunWholeAsync(rule, EventRuleTriggers.OnDemand, actions, guard: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Runs every action of a schedule or on-demand rule (per-account actions once per matching account). With
    /// <paramref name="guard"/>, returns null without running while the rule's previous run goes on, unless
    /// <see cref="SftpEventRuleConditions.ConcurrentExecution"/>.
    /// </summary>
    internal async Task<SftpEventRun?> RunWholeAsync(SftpEventRule rule, string eventName, IReadOnlyDictionary<string, SftpEventAction> actions,
        bool guard, CancellationToken cancellationToken)
    {
        bool exclusive = guard && !rule.Conditions.ConcurrentExecution;
        if (exclusive && !_running.TryAdd(rule.Name, 0))
        {
            EventRulesLog.OverlapSkipped(_logger, rule.Name);
            return null;
        }
        try
        {
            var invocation = new EventRuleInvocation(rule, eventName, null, null, actions, _time.GetUtcNow(), _time.GetTimestamp());
            if (rule.Actions.Any(a => actions.TryGetValue(a.Name, out var action) && EventRuleRunner.IsPerAccount(action.Type)))
            {
                var (names, truncated) = await _accounts.SelectAsync(rule, cancellationToken).ConfigureAwait(false);
                invocation.Accounts = names;
                if (truncated)
                {
                    EventRulesLog.AccountsTruncated(_logger, rule.Name, names.Count);
                    invocation.Failed = true;
                }
            }
            await _runner.RunAsync(invocation, rule.Actions.Where(a => !a.IsFailureAction), cancellationToken).ConfigureAwait(false);
            return await _runner.FinishAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (exclusive)
            {
                _running.TryRemove(rule.Name, out _);
            }
        }
    }

    /// <summary>Runs the matching rules for one event; the name of the rule that denied a pre-event, or null.</summary>
    private async Task<string?> HandleAsync(SftpEvent e, bool pre, CancellationToken cancellationToken)
    {
        if (EventRuleTriggers.Map(e, pre) is not { } mapped)
        {
            return null;
        }
        var snapshot = await _cache.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!snapshot.Triggers.Contains(mapped.Trigger))
        {
            return null;
        }
        var names = new List<string>(2) { mapped.Name };
        if (!pre && snapshot.HasFirstTransferRules && await _first.IsFirstAsync(e, cancellationToken).ConfigureAwait(false))
        {
            names.Add(e.Kind == SftpEventKind.Upload ? EventRuleTriggers.FirstUpload : EventRuleTriggers.FirstDownload);
        }
        string? account = AccountOf(e);
        EventAccountInfo? info = null;
        string? deniedBy = null;
        foreach (var name in names)
        {
            foreach (var rule in snapshot.Rules)
            {
                if (rule.Trigger != mapped.Trigger || !EventRuleConditionMatcher.MatchesEvent(rule, name, e))
                {
                    continue;
                }
                if (EventRuleConditionMatcher.NeedsAccount(rule))
                {
                    info ??= await _accounts.GetInfoAsync(account, e, cancellationToken).ConfigureAwait(false);
                    if (!EventRuleConditionMatcher.MatchesAccount(rule, info))
                    {
                        continue;
                    }
                }
                var invocation = new EventRuleInvocation(rule, name, e, account, snapshot.Actions, _time.GetUtcNow(), _time.GetTimestamp())
                {
                    Role = info?.Role ?? e.Properties.GetValueOrDefault("role"),
                };
                await _runner.RunAsync(invocation, invocation.SyncActions, cancellationToken).ConfigureAwait(false);
                if (pre && invocation.Failed && deniedBy is null)
                {
                    deniedBy = rule.Name;
                    EventRulesLog.Denied(_logger, name, rule.Name);
                }
                await ContinueAsync(invocation, cancellationToken).ConfigureAwait(false);
            }
        }
        return deniedBy;
    }

    private async Task ContinueAsync(EventRuleInvocation invocation, CancellationToken cancellationToken)
    {
        if (!invocation.HasQueuedWork)
        {
            await _runner.FinishAsync(invocation, cancellationToken).ConfigureAwait(false);
            return;
        }
        bool queued = _queue.TryEnqueue(async token =>
        {
            await _runner.RunAsync(invocation, invocation.AsyncActions, token).ConfigureAwait(false);
            await _runner.FinishAsync(invocation, token).ConfigureAwait(false);
        });
        if (!queued)
        {
            await _runner.AbandonAsync(invocation).ConfigureAwait(false);
        }
    }

    /// <summary>The account an event's actions apply to: its user, or the account a provider change added or updated.</summary>
    private static string? AccountOf(SftpEvent e)
    {
        if (e.Kind != SftpEventKind.ProviderChange)
        {
            return e.UserName;
        }
        return e.Properties.GetValueOrDefault("object_type") == SftpProviderEvents.User && e.Properties.GetValueOrDefault("action") != "delete"
            ? e.Properties.GetValueOrDefault("object_name")
            : null;
    }
}
