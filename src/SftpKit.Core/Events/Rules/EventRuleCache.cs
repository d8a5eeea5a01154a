using Microsoft.Extensions.Options;

namespace SftpKit.Events.Rules;

/// <summary>The enabled rules and every action, as read from the store at one moment.</summary>
internal sealed class EventRuleSnapshot
{
    public EventRuleSnapshot(IReadOnlyList<SftpEventRule> rules, IReadOnlyDictionary<string, SftpEventAction> actions)
    {
        Rules = rules;
        Actions = actions;
        HasFirstTransferRules = rules.Any(r => r.Trigger == SftpEventTrigger.FileSystem
            && r.Conditions.FsEvents.Any(n => n is EventRuleTriggers.FirstUpload or EventRuleTriggers.FirstDownload));
        Triggers = rules.Select(r => r.Trigger).ToHashSet();
    }

    public IReadOnlyList<SftpEventRule> Rules { get; }

    public IReadOnlyDictionary<string, SftpEventAction> Actions { get; }

    public bool HasFirstTransferRules { get; }

    public IReadOnlySet<SftpEventTrigger> Triggers { get; }
}

/// <summary>
/// Rules and actions read from the <see cref="ISftpEventRuleStore"/>, reused for
/// <see cref="SftpEventRuleOptions.CacheDuration"/> (default 10 s) or until <see cref="Invalidate"/>. One reader at a
/// time refreshes; the others use the previous snapshot meanwhile (or wait for the first one).
/// </summary>
internal sealed class EventRuleCache : IDisposable
{
    private readonly ISftpEventRuleStore _store;
    private readonly TimeProvider _time;
    private readonly SftpEventRuleOptions _options;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile EventRuleSnapshot? _snapshot;
    private long _loadedAt;
    private int _version;
    private int _loadedVersion = -1;

    public EventRuleCache(ISftpEventRuleStore store, TimeProvider time, IOptions<SftpEventRuleOptions> options)
    {
        _store = store;
        _time = time;
        _options = options.Value;
    }

    public void Invalidate() => Interlocked.Increment(ref _version);

    public void Dispose() => _refresh.Dispose();

    /// <summary>The current snapshot when it is fresh, without touching the store; null when a read is due.</summary>
    public EventRuleSnapshot? PeekFresh() => _snapshot is { } current && Fresh() ? current : null;

    public async ValueTask<EventRuleSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && Fresh())
        {
            return current;
        }
        if (current is not null && !_refresh.Wait(0, CancellationToken.None))
        {
            return current; // Someone is refreshing: use what we have.
        }
        if (current is null)
        {
            await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        try
        {
            if (_snapshot is { } fresh && Fresh())
            {
                return fresh;
            }
            int version = Volatile.Read(ref _version);
            var rules = new List<SftpEventRule>();
            await foreach (var rule in _store.ListRulesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rule.Enabled)
                {
                    rule.Actions = rule.Actions.Select((a, i) => (a, i)).OrderBy(p => p.a.Order).ThenBy(p => p.i).Select(p => p.a).ToList();
                    rules.Add(rule);
                }
            }
            var actions = new Dictionary<string, SftpEventAction>(StringComparer.Ordinal);
            await foreach (var action in _store.ListActionsAsync(cancellationToken).ConfigureAwait(false))
            {
                actions[action.Name] = action;
            }
            var snapshot = new EventRuleSnapshot(rules, actions);
            _snapshot = snapshot;
            Volatile.Write(ref _loadedAt, _time.GetTimestamp());
            Volatile.Write(ref _loadedVersion, version);
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool Fresh()
        => Volatile.Read(ref _loadedVersion) == Volatile.Read(ref _version)
            && _time.GetElapsedTime(Volatile.Read(ref _loadedAt)) < _options.CacheDuration;
}
