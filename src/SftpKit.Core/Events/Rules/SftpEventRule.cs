namespace SftpKit.Events.Rules;

/// <summary>
/// An event rule (SFTPGo's event manager model): when <see cref="Trigger"/> fires and every condition in
/// <see cref="Conditions"/> holds, the actions named in <see cref="Actions"/> run in <see cref="SftpEventRuleAction.Order"/>.
/// Kept by an <see cref="ISftpEventRuleStore"/>. Instances returned by stores are copies the caller may change.
/// </summary>
public sealed class SftpEventRule
{
    /// <summary>The name (1–255 characters, no control characters, <c>/</c> or <c>\</c>), unique per server.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>When false the rule never runs (not even on demand). Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What starts the rule.</summary>
    public SftpEventTrigger Trigger { get; set; } = SftpEventTrigger.FileSystem;

    /// <summary>Which occurrences of the trigger the rule reacts to.</summary>
    public SftpEventRuleConditions Conditions { get; set; } = new();

    /// <summary>The actions to run, by name (see <see cref="SftpEventAction"/>), ordered by <see cref="SftpEventRuleAction.Order"/>.</summary>
    public List<SftpEventRuleAction> Actions { get; set; } = [];

    /// <summary>When the rule was created (set by the store).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the rule was last changed (set by the store).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpEventRule Clone()
    {
        var copy = (SftpEventRule)MemberwiseClone();
        copy.Conditions = Conditions.Clone();
        copy.Actions = Actions.Select(a => a.Clone()).ToList();
        return copy;
    }
}

/// <summary>What starts an <see cref="SftpEventRule"/>. Values shared with SFTPGo keep SFTPGo's numbers.</summary>
public enum SftpEventTrigger
{
    /// <summary>A file-system event (<see cref="SftpEventRuleConditions.FsEvents"/>).</summary>
    FileSystem = 1,

    /// <summary>An account, admin, group, folder, role, share, rule or action was added, updated or deleted, through any interface (<see cref="SftpEventRuleConditions.ProviderEvents"/>).</summary>
    Provider = 2,

    /// <summary>A cron schedule (<see cref="SftpEventRuleConditions.Schedules"/>).</summary>
    Schedule = 3,

    /// <summary>The defender banned an IP address.</summary>
    IpBlocked = 4,

    /// <summary>Run on request only (<c>POST /api/v2/eventrules/run/{name}</c> or the WebAdmin).</summary>
    OnDemand = 6,

    /// <summary>A login, a failed login, a connection or a disconnection (<see cref="SftpEventRuleConditions.SessionEvents"/>). SftpKit's own trigger.</summary>
    Session = 100,
}

/// <summary>A glob pattern in a rule condition; <see cref="InverseMatch"/> turns it into "everything except".</summary>
public sealed class SftpEventPattern
{
    /// <summary>A shell-like glob (<c>*</c>, <c>?</c>, <c>[...]</c>; <c>**</c> crosses <c>/</c> in path patterns). Case-sensitive.</summary>
    public string Pattern { get; set; } = string.Empty;

    /// <summary>When true the pattern matches what it would not match otherwise.</summary>
    public bool InverseMatch { get; set; }

    /// <summary>A copy.</summary>
    public SftpEventPattern Clone() => (SftpEventPattern)MemberwiseClone();
}

/// <summary>A cron schedule for <see cref="SftpEventTrigger.Schedule"/> rules.</summary>
public sealed class SftpEventSchedule
{
    /// <summary>A five-field cron expression (minute hour day-of-month month day-of-week), parsed with Cronos.</summary>
    public string Cron { get; set; } = string.Empty;

    /// <summary>An IANA or Windows time-zone id the expression is read in. Null means UTC (as SFTPGo).</summary>
    public string? TimeZone { get; set; }

    /// <summary>A copy.</summary>
    public SftpEventSchedule Clone() => (SftpEventSchedule)MemberwiseClone();
}

/// <summary>
/// Which occurrences of its trigger a rule reacts to. Empty lists mean "no restriction" except for the event-name list
/// of the rule's trigger (<see cref="FsEvents"/>, <see cref="ProviderEvents"/>, <see cref="SessionEvents"/>,
/// <see cref="Schedules"/>), which must name at least one.
/// </summary>
public sealed class SftpEventRuleConditions
{
    /// <summary>
    /// File-system events, with SFTPGo's names: <c>upload</c>, <c>pre-upload</c>, <c>first-upload</c>, <c>download</c>,
    /// <c>pre-download</c>, <c>first-download</c>, <c>delete</c>, <c>pre-delete</c>, <c>rename</c>, <c>mkdir</c>,
    /// <c>rmdir</c>, <c>copy</c>, <c>ssh_cmd</c>. Pre-events (<c>pre-*</c>) can veto through synchronous actions.
    /// </summary>
    public List<string> FsEvents { get; set; } = [];

    /// <summary>Provider events: <c>add</c>, <c>update</c>, <c>delete</c>.</summary>
    public List<string> ProviderEvents { get; set; } = [];

    /// <summary>Provider objects the provider events apply to: <c>user</c>, <c>group</c>, <c>admin</c>, <c>api_key</c>, <c>share</c>, <c>event_action</c>, <c>event_rule</c>, <c>role</c>, <c>folder</c>. Empty means all.</summary>
    public List<string> ProviderObjects { get; set; } = [];

    /// <summary>Session events: <c>login</c>, <c>login-failed</c>, <c>connect</c>, <c>disconnect</c>.</summary>
    public List<string> SessionEvents { get; set; } = [];

    /// <summary>Schedules of a <see cref="SftpEventTrigger.Schedule"/> rule.</summary>
    public List<SftpEventSchedule> Schedules { get; set; } = [];

    /// <summary>Account (or, for provider events, object) name patterns.</summary>
    public List<SftpEventPattern> Names { get; set; } = [];

    /// <summary>Patterns matched against the account's group names (any group matching is enough).</summary>
    public List<SftpEventPattern> GroupNames { get; set; } = [];

    /// <summary>Patterns matched against the account's role.</summary>
    public List<SftpEventPattern> RoleNames { get; set; } = [];

    /// <summary>Virtual-path patterns (file-system events; a rename or copy matches on its source path).</summary>
    public List<SftpEventPattern> FsPaths { get; set; } = [];

    /// <summary>Protocols (<see cref="SftpEventProtocol"/> values: <c>SFTP</c>, <c>SCP</c>, <c>SSH</c>, <c>HTTP</c>). Empty means all.</summary>
    public List<string> Protocols { get; set; } = [];

    /// <summary>Least file size in bytes for file events; 0 means no lower bound.</summary>
    public long MinFileSize { get; set; }

    /// <summary>Greatest file size in bytes for file events; 0 means no upper bound.</summary>
    public long MaxFileSize { get; set; }

    /// <summary>Event statuses the rule reacts to; empty means all.</summary>
    public List<SftpEventStatus> EventStatuses { get; set; } = [];

    /// <summary>
    /// For schedules: when false (the default) a run is skipped while the previous run of the same rule has not ended
    /// (in this process; with a shared SQL store, across instances).
    /// </summary>
    public bool ConcurrentExecution { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpEventRuleConditions Clone() => new()
    {
        FsEvents = [.. FsEvents],
        ProviderEvents = [.. ProviderEvents],
        ProviderObjects = [.. ProviderObjects],
        SessionEvents = [.. SessionEvents],
        Schedules = Schedules.Select(s => s.Clone()).ToList(),
        Names = Names.Select(p => p.Clone()).ToList(),
        GroupNames = GroupNames.Select(p => p.Clone()).ToList(),
        RoleNames = RoleNames.Select(p => p.Clone()).ToList(),
        FsPaths = FsPaths.Select(p => p.Clone()).ToList(),
        Protocols = [.. Protocols],
        MinFileSize = MinFileSize,
        MaxFileSize = MaxFileSize,
        EventStatuses = [.. EventStatuses],
        ConcurrentExecution = ConcurrentExecution,
    };
}

/// <summary>An action of a rule, by name, with how it runs within the rule.</summary>
public sealed class SftpEventRuleAction
{
    /// <summary>The <see cref="SftpEventAction.Name"/>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Position; actions run in ascending order (ties: list order).</summary>
    public int Order { get; set; }

    /// <summary>Runs only when an earlier non-failure action of the same run failed.</summary>
    public bool IsFailureAction { get; set; }

    /// <summary>When this action fails, the remaining non-failure actions are skipped (failure actions still run).</summary>
    public bool StopOnFailure { get; set; }

    /// <summary>
    /// The triggering operation waits for this action (bounded by <see cref="SftpEventOptions.PreEventTimeout"/>); for
    /// <c>pre-*</c> events a failure denies the operation. Asynchronous actions run from a bounded queue.
    /// </summary>
    public bool ExecuteSync { get; set; }

    /// <summary>A copy.</summary>
    public SftpEventRuleAction Clone() => (SftpEventRuleAction)MemberwiseClone();
}
