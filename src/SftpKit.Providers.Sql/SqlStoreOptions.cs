namespace SftpKit.Providers.Sql;

/// <summary>
/// Settings of the SQL store (<c>AddSqlUserStore</c>), bound from the configuration section <c>SftpKit:Sql</c>
/// before the code's own configuration runs. The connection string is never logged: the store logs the provider and
/// the host (or, for SQLite, the file) only.
/// </summary>
public sealed class SqlStoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSection = "SftpKit:Sql";

    /// <summary>The database engine. Defaults to <see cref="SqlProvider.Sqlite"/>.</summary>
    public SqlProvider Provider { get; set; } = SqlProvider.Sqlite;

    /// <summary>
    /// The ADO.NET connection string of the provider (e.g. <c>Data Source=/var/lib/sftpkit/sftpkit.db</c>,
    /// <c>Host=db;Database=sftpkit;Username=sftpkit;Password=...</c>, <c>Server=db;Database=sftpkit;User ID=...</c>).
    /// Required; defaults to empty. The database must exist; the store creates its tables in it.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Whether pending schema migrations are applied when the host starts (and on first use). When false, the store
    /// refuses to work until <see cref="SqlMigrator.MigrateAsync(SqlStoreOptions, CancellationToken)"/> has brought the
    /// database to <see cref="SqlMigrator.LatestVersion"/>. Defaults to true.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// How long an account read for a login is reused for later logins of the same user on this instance. Writes
    /// through this store drop the entry at once; writes by other instances are seen after at most this long.
    /// Unknown users are never cached, nor is quota usage or a session count. <see cref="TimeSpan.Zero"/> disables
    /// the cache. Defaults to 5 seconds.
    /// </summary>
    public TimeSpan AuthCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most accounts held by the authentication cache; past it the cache is emptied. Defaults to 10,000.</summary>
    public int AuthCacheMaxEntries { get; set; } = 10_000;

    /// <summary>
    /// Whether sessions per account are counted in the database (<see cref="SqlSessionLimiter"/>), so an account's
    /// <c>MaxSessions</c> holds across every instance sharing it. False keeps the in-process limiter. Defaults to true.
    /// </summary>
    public bool UseSqlSessionLimiter { get; set; } = true;

    /// <summary>
    /// Whether defender scores and bans are kept in the database (<see cref="SqlDefender"/>), so a ban recorded by
    /// one instance refuses the host on all. False keeps the in-process defender. Defaults to true.
    /// </summary>
    public bool UseSqlDefender { get; set; } = true;

    /// <summary>
    /// How long a session lease lives without renewal: leases of an instance that died free their slots after at
    /// most this long. Defaults to 90 seconds; at least 2 seconds.
    /// </summary>
    public TimeSpan SessionLeaseDuration { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How often an instance extends the leases of its live sessions; must be shorter than
    /// <see cref="SessionLeaseDuration"/> (a third of it leaves room for two failed renewals). Defaults to 30 seconds.
    /// </summary>
    public TimeSpan SessionLeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// This instance's name in the session leases it holds (at most 64 characters). Defaults to null: a random id per
    /// process.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// SQLite only: whether every commit waits for the disk (<c>PRAGMA synchronous=FULL</c>, SQLite's own default).
    /// Defaults to false: <c>synchronous=NORMAL</c> on each connection the store opens, with the write-ahead log the
    /// store's migrations switch on. The database stays consistent after a power loss or an OS crash, but transactions
    /// committed since the last checkpoint may be rolled back by one (a crash of the process itself loses nothing).
    /// Each login writes a session lease and releases it (and at most once a minute its last-login time); with FULL each
    /// of those writes waits for an fsync. Set true where losing the last seconds of writes on power loss is not acceptable.
    /// </summary>
    public bool SqliteDurableCommits { get; set; }

    /// <summary>Timeout of each database command, in seconds. Defaults to 30.</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Read-only mode: when set, accounts are read from this existing table or view (column mapping in
    /// <see cref="SqlReadOnlyAccountsOptions"/>), no migration is applied and nothing is created, account writes throw
    /// <see cref="NotSupportedException"/>, quota usage is kept in memory per instance, and
    /// <see cref="UseSqlSessionLimiter"/> and <see cref="UseSqlDefender"/> are ignored (their tables would have to be
    /// created): sessions and bans are counted in process. Binds from <c>SftpKit:Sql:ReadOnlyAccounts</c>. Defaults to
    /// null: the store's own schema, read-write.
    /// </summary>
    public SqlReadOnlyAccountsOptions? ReadOnlyAccounts { get; set; }

    /// <summary>A copy (the store keeps its own).</summary>
    public SqlStoreOptions Clone()
    {
        var clone = (SqlStoreOptions)MemberwiseClone();
        clone.ReadOnlyAccounts = ReadOnlyAccounts?.Clone();
        return clone;
    }
}
