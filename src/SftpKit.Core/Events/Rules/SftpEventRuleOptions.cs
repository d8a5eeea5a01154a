namespace SftpKit.Events.Rules;

/// <summary>
/// How the event rule engine runs (<c>AddEventRules()</c>). Binds from the configuration section
/// <c>SftpKit:EventRules</c>; validated at start, every problem reported at once.
/// </summary>
public sealed class SftpEventRuleOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSectionName = "SftpKit:EventRules";

    /// <summary>
    /// Asynchronous rule runs waiting for a worker; a run arriving while the queue is full is dropped, counted and
    /// logged (at most once per <see cref="WarningInterval"/>). Defaults to 1024; must be between 1 and 1048576.
    /// </summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Asynchronous rule runs (and schedule runs) carried out at once. Defaults to 4; must be between 1 and 256.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// The longest an asynchronous or scheduled run may take before its actions are cancelled. Defaults to 30 minutes;
    /// must be positive. Synchronous actions are bounded by the event's own timeout
    /// (<see cref="SftpEventOptions.PreEventTimeout"/> or <see cref="SftpEventOptions.PostEventTimeout"/>).
    /// </summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long rules and actions read from the store are reused before they are read again; a change made through
    /// <see cref="ISftpEventRuleEngine.Invalidate"/> takes effect at once. Defaults to 10 seconds; 0 reads the store
    /// for every event; at most 1 hour.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an account's groups and role (read for group and role conditions) are reused. Defaults to 30 seconds;
    /// 0 disables the cache; at most 1 hour. At most <see cref="AccountCacheSize"/> accounts are kept.
    /// </summary>
    public TimeSpan AccountCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accounts whose groups and role are cached. Defaults to 1024; must be between 1 and 1048576.</summary>
    public int AccountCacheSize { get; set; } = 1024;

    /// <summary>
    /// Most accounts a schedule or on-demand run applies its per-account actions (data retention, file and quota
    /// actions) to; further matching accounts are left out and the run is marked failed. Defaults to 10,000; must be
    /// between 1 and 1,000,000.
    /// </summary>
    public int MaxAccountsPerRun { get; set; } = 10_000;

    /// <summary>How long run records are kept. Defaults to 7 days; must be at least 1 minute.</summary>
    public TimeSpan RunRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often run records older than <see cref="RunRetention"/> are purged. Defaults to 1 hour; must be between 1 minute and 1 day.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Run records the default in-memory run store keeps; the oldest go first. Defaults to 10,000; must be between 1 and
    /// 1,000,000. Other run stores (SQL) ignore it.
    /// </summary>
    public int MaxRunRecords { get; set; } = 10_000;

    /// <summary>
    /// Programs command actions may run: absolute paths, compared ordinally with
    /// <see cref="SftpCommandActionSettings.Command"/>. Empty (the default) disables command actions.
    /// </summary>
    public IList<string> AllowedCommands { get; set; } = new List<string>();

    /// <summary>
    /// First wait before an HTTP action's retry; each further retry waits twice as long (with jitter). Defaults to
    /// 1 second; must be between 1 millisecond and 1 minute.
    /// </summary>
    public TimeSpan HttpRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Least time between two warnings about dropped runs (the count since the last is logged). Defaults to 1 minute; must not be negative.</summary>
    public TimeSpan WarningInterval { get; set; } = TimeSpan.FromMinutes(1);
}
