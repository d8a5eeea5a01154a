using System.Runtime.CompilerServices;

namespace SftpKit.Events.Rules;

/// <summary>
/// The rules and actions of the JSON-file rule store: copies in, copies out, one lock; names checked, change times
/// stamped, and an action named by a rule kept.
/// </summary>
internal sealed class EventRuleRecords
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpEventRule> _rules = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SftpEventAction> _actions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public EventRuleRecords(TimeProvider time) => _time = time;

    /// <summary>Refuses a name no store keeps: 1–255 characters, no control characters, <c>/</c> or <c>\</c>.</summary>
    public static void CheckName(string? name, string what)
    {
        if (name is null || name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException($"An event {what} name has 1–255 characters, without control characters, '/' or '\\'.", nameof(name));
        }
    }

    public void Load(IEnumerable<SftpEventRule> rules, IEnumerable<SftpEventAction> actions)
    {
        lock (_lock)
        {
            _rules.Clear();
            _actions.Clear();
            foreach (var action in actions)
            {
                CheckName(action?.Name, "action");
                _actions[action!.Name] = Normalize(action).Clone();
            }
            foreach (var rule in rules)
            {
                CheckName(rule?.Name, "rule");
                _rules[rule!.Name] = Normalize(rule).Clone();
            }
        }
    }

    public SftpEventRule? FindRule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _rules.GetValueOrDefault(name)?.Clone();
        }
    }

    public SftpEventAction? FindAction(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _actions.GetValueOrDefault(name)?.Clone();
        }
    }

    public (List<SftpEventRule> Rules, List<SftpEventAction> Actions) Snapshot()
    {
        lock (_lock)
        {
            return (_rules.Values.Select(r => r.Clone()).ToList(), _actions.Values.Select(a => a.Clone()).ToList());
        }
    }

    public void CreateRule(SftpEventRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        CheckName(rule.Name, "rule");
        var copy = Normalize(rule).Clone();
        lock (_lock)
        {
            copy.CreatedAt = copy.UpdatedAt = _time.GetUtcNow();
            if (!_rules.TryAdd(copy.Name, copy))
            {
                throw new InvalidOperationException("An event rule with this name exists.");
            }
        }
    }

    public bool UpdateRule(SftpEventRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        CheckName(rule.Name, "rule");
        var copy = Normalize(rule).Clone();
        lock (_lock)
        {
            if (!_rules.TryGetValue(copy.Name, out var existing))
            {
                return false;
            }
            copy.CreatedAt = existing.CreatedAt;
            copy.UpdatedAt = _time.GetUtcNow();
            _rules[copy.Name] = copy;
            return true;
        }
    }

    public bool DeleteRule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _rules.Remove(name);
        }
    }

    public void CreateAction(SftpEventAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        CheckName(action.Name, "action");
        var copy = Normalize(action).Clone();
        lock (_lock)
        {
            if (!_actions.TryAdd(copy.Name, copy))
            {
                throw new InvalidOperationException("An event action with this name exists.");
            }
        }
    }

    public bool UpdateAction(SftpEventAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        CheckName(action.Name, "action");
        var copy = Normalize(action).Clone();
        lock (_lock)
        {
            if (!_actions.ContainsKey(copy.Name))
            {
                return false;
            }
            _actions[copy.Name] = copy;
            return true;
        }
    }

    public bool DeleteAction(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            if (_rules.Values.Any(r => r.Actions.Any(a => string.Equals(a.Name, name, StringComparison.Ordinal))))
            {
                throw new InvalidOperationException("The event action is used by a rule.");
            }
            return _actions.Remove(name);
        }
    }

    public static async IAsyncEnumerable<T> Enumerate<T>(List<T> snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>JSON null for a collection means "empty": a file edited by hand or an old document reads like a new one.</summary>
    internal static SftpEventRule Normalize(SftpEventRule rule)
    {
        rule.Conditions ??= new SftpEventRuleConditions();
        rule.Actions ??= [];
        var c = rule.Conditions;
        c.FsEvents ??= [];
        c.ProviderEvents ??= [];
        c.ProviderObjects ??= [];
        c.SessionEvents ??= [];
        c.Schedules ??= [];
        c.Names ??= [];
        c.GroupNames ??= [];
        c.RoleNames ??= [];
        c.FsPaths ??= [];
        c.Protocols ??= [];
        c.EventStatuses ??= [];
        return rule;
    }

    /// <summary>See <see cref="Normalize(SftpEventRule)"/>.</summary>
    internal static SftpEventAction Normalize(SftpEventAction action)
    {
        var o = action.Options ??= new SftpEventActionSettings();
        if (o.Http is { } http)
        {
            http.Headers ??= [];
            http.QueryParameters ??= [];
            http.Parts ??= [];
            foreach (var part in http.Parts)
            {
                part.Headers ??= [];
            }
        }
        if (o.Command is { } command)
        {
            command.Arguments ??= [];
            command.EnvironmentVariables ??= [];
        }
        if (o.Email is { } email)
        {
            email.Recipients ??= [];
            email.Bcc ??= [];
            email.Attachments ??= [];
        }
        o.Retention?.Folders ??= [];
        if (o.FileSystem is { } fs)
        {
            fs.Renames ??= [];
            fs.Deletes ??= [];
            fs.MakeDirectories ??= [];
            fs.Exist ??= [];
            fs.Copies ??= [];
            fs.Compress?.Paths ??= [];
        }
        return action;
    }
}
