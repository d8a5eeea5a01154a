using Microsoft.Extensions.Logging;

namespace SftpKit.Providers.Sql;

/// <summary>Log messages of the SQL store (event ids 6000–6049). Connection strings are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, EventName = "SqlStoreOpened", Level = LogLevel.Information,
        Message = "SQL store on {Provider} at {Target}, schema version {Version}")]
    public static partial void StoreOpened(ILogger logger, SqlProvider provider, string target, int version);

    [LoggerMessage(EventId = 6001, EventName = "SqlMigrationApplied", Level = LogLevel.Information,
        Message = "Applied schema migration {Version} ({Description}) on {Provider} at {Target}")]
    public static partial void MigrationApplied(ILogger logger, int version, string description, SqlProvider provider, string target);

    [LoggerMessage(EventId = 6002, EventName = "SqlSchemaRefused", Level = LogLevel.Critical,
        Message = "SQL store on {Provider} at {Target} refused: {Reason}")]
    public static partial void SchemaRefused(ILogger logger, SqlProvider provider, string target, string reason);

    [LoggerMessage(EventId = 6003, EventName = "SqlMigrationReverted", Level = LogLevel.Warning,
        Message = "Reverted schema migration {Version} ({Description}) on {Provider} at {Target}")]
    public static partial void MigrationReverted(ILogger logger, int version, string description, SqlProvider provider, string target);

    [LoggerMessage(EventId = 6010, EventName = "SqlLeaseRenewalFailed", Level = LogLevel.Warning,
        Message = "Renewing the session leases of instance {InstanceId} failed; retrying at the next interval")]
    public static partial void LeaseRenewalFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 6011, EventName = "SqlLeaseReleaseFailed", Level = LogLevel.Warning,
        Message = "Releasing the session lease of {UserName} failed; it expires by itself")]
    public static partial void LeaseReleaseFailed(ILogger logger, string userName, Exception exception);

    [LoggerMessage(EventId = 6012, EventName = "SqlSessionLimitReached", Level = LogLevel.Debug,
        Message = "Session limit {MaxSessions} of {UserName} reached across the cluster")]
    public static partial void SessionLimitReached(ILogger logger, string userName, int maxSessions);

    [LoggerMessage(EventId = 6020, EventName = "SqlHostBanned", Level = LogLevel.Warning,
        Message = "Host {Address} banned until {BannedUntil} (score {Score})")]
    public static partial void HostBanned(ILogger logger, string address, int score, DateTimeOffset bannedUntil);

    [LoggerMessage(EventId = 6021, EventName = "SqlHostUnbanned", Level = LogLevel.Information,
        Message = "Host {Address} unbanned")]
    public static partial void HostUnbanned(ILogger logger, string address);

    [LoggerMessage(EventId = 6022, EventName = "SqlDefenderFailed", Level = LogLevel.Error,
        Message = "The shared defender could not reach the database; {Address} is admitted")]
    public static partial void DefenderFailed(ILogger logger, string address, Exception exception);

    [LoggerMessage(EventId = 6050, EventName = "SqlReadOnlyStoreOpened", Level = LogLevel.Information,
        Message = "SQL store on {Provider} at {Target} reads accounts from {Table} (read-only: no migrations, account writes refused, quota usage in memory)")]
    public static partial void ReadOnlyStoreOpened(ILogger logger, SqlProvider provider, string target, string table);

    [LoggerMessage(EventId = 6100, EventName = "SqlReadOnlyQuotaInMemory", Level = LogLevel.Warning,
        Message = "Quotas read from {Table} are checked against usage kept in this process only: not shared between instances, and zero after a restart until a quota scan")]
    public static partial void ReadOnlyQuotaInMemory(ILogger logger, string table);

    [LoggerMessage(EventId = 6051, EventName = "SqlReadOnlySourceRefused", Level = LogLevel.Critical,
        Message = "SQL store on {Provider} at {Target} cannot read accounts from {Table}: the table or view, or a mapped column, is missing or not readable")]
    public static partial void ReadOnlySourceRefused(ILogger logger, SqlProvider provider, string target, string table, Exception exception);

    [LoggerMessage(EventId = 6052, EventName = "SqlReadOnlyWriteRefused", Level = LogLevel.Warning,
        Message = "Refused to {Operation} account {UserName}: the SQL store is read-only")]
    public static partial void ReadOnlyWriteRefused(ILogger logger, string operation, string userName);

    [LoggerMessage(EventId = 6053, EventName = "SqlReadOnlyRehashSkipped", Level = LogLevel.Debug,
        Message = "Kept the legacy password hash of {UserName}: the SQL store is read-only")]
    public static partial void ReadOnlyRehashSkipped(ILogger logger, string userName);
}
