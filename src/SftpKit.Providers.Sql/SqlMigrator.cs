using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.Providers.Sql.Migrations;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Brings a database to the schema this build uses. Steps are ordered and versioned; each runs in one transaction on
/// SQLite and PostgreSQL (on MySQL/MariaDB, which commit DDL implicitly, each statement is skipped when its table,
/// column or index exists, so a step cut short is completed on the next run). The applied version is recorded in
/// <c>schema_version</c>; instances migrating at once are serialised (an advisory lock on PostgreSQL, <c>GET_LOCK</c>
/// on MySQL, the write lock on SQLite). A database at a newer version than <see cref="LatestVersion"/> is refused with
/// <see cref="SqlSchemaVersionException"/> and left untouched. <see cref="RevertAsync"/> runs the down-migrations back to an
/// earlier version (before running an older build).
/// </summary>
public static class SqlMigrator
{
    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestVersion => SqlSchema.LatestVersion;

    /// <summary>Applies every pending step; returns the version the database is at.</summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "Every async overload takes an optional trailing CancellationToken, as the BCL's do; the overloads differ in a required parameter, so no call is ambiguous.")]
    public static Task<int> MigrateAsync(SqlStoreOptions options, CancellationToken cancellationToken = default) =>
        MigrateAsync(options, LatestVersion, cancellationToken);

    /// <summary>
    /// Applies the pending steps up to <paramref name="targetVersion"/> (1 to <see cref="LatestVersion"/>); a database
    /// already past it is left as it is (<see cref="RevertAsync"/> goes back). Returns the version the database is at.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters",
        Justification = "Every async overload takes an optional trailing CancellationToken, as the BCL's do; the overloads differ in a required parameter, so no call is ambiguous.")]
    public static Task<int> MigrateAsync(SqlStoreOptions options, int targetVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        ArgumentException.ThrowIfNullOrEmpty(options.ConnectionString);
        return MigrateCoreAsync(SqlDialect.For(options.Provider), options, targetVersion, NullLogger.Instance, cancellationToken);
    }

    /// <summary>The version recorded in the database; 0 when it has no SftpKit schema.</summary>
    public static async Task<int> GetVersionAsync(SqlStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ConnectionString);
        var dialect = SqlDialect.For(options.Provider);
        await using var connection = dialect.CreateConnection(options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return await ReadVersionAsync(dialect, connection, null, options.CommandTimeoutSeconds, cancellationToken);
    }

    /// <summary>
    /// Reverts the schema to <paramref name="targetVersion"/> (1 to <see cref="LatestVersion"/>): the down-migration of
    /// every applied step above it runs, newest first, each undoing its step's changes in reverse order (indexes, then
    /// columns, then tables) and removing its <c>schema_version</c> row. Tables and columns a reverted step added are
    /// dropped with their data; every other table keeps its rows and columns. On SQLite and PostgreSQL each step is one
    /// transaction. MySQL/MariaDB commit every DDL statement on its own, so a step cut short there leaves part of it
    /// undone: each statement is skipped when its table, column or index is already gone, so running the revert again
    /// completes it. A database at or below the target is left as it is; one newer than this build is refused with
    /// <see cref="SqlSchemaVersionException"/> (revert it with the build that made it). Instances are serialised with
    /// migrations (the same lock), but a server running on the database while it is reverted sees tables vanish: stop
    /// every instance first. Returns the version the database is at (0 when it has no SftpKit schema).
    /// </summary>
    /// <param name="options">The store's provider and connection string.</param>
    /// <param name="targetVersion">The version to go back to, 1 to <see cref="LatestVersion"/>.</param>
    /// <param name="logger">Receives one entry per reverted step; none when null.</param>
    /// <param name="cancellationToken">Stops between statements (a cancelled step's transaction is rolled back).</param>
    public static Task<int> RevertAsync(SqlStoreOptions options, int targetVersion, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        ArgumentException.ThrowIfNullOrEmpty(options.ConnectionString);
        var dialect = SqlDialect.For(options.Provider);
        return WithMigrationLockAsync(dialect, options, logger ?? NullLogger.Instance, (connection, target, l, ct) =>
            RevertCoreAsync(dialect, connection, options.CommandTimeoutSeconds, target, targetVersion, l, ct), cancellationToken);
    }

    internal static Task<int> MigrateCoreAsync(SqlDialect dialect, SqlStoreOptions options, int targetVersion, ILogger logger, CancellationToken cancellationToken) =>
        WithMigrationLockAsync(dialect, options, logger, (connection, target, l, ct) =>
            UpCoreAsync(dialect, connection, options.CommandTimeoutSeconds, target, targetVersion, l, ct), cancellationToken);

    private static async Task<int> WithMigrationLockAsync(SqlDialect dialect, SqlStoreOptions options, ILogger logger,
        Func<DbConnection, string, ILogger, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        string target = dialect.DescribeTarget(options.ConnectionString);
        await using var connection = dialect.CreateConnection(options.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        int timeout = options.CommandTimeoutSeconds;
        if (dialect.Provider == SqlProvider.Sqlite)
        {
            // Readers never wait for the writer; persistent for the file.
            await ExecuteScalarAsync(connection, null, "PRAGMA journal_mode=WAL", timeout, cancellationToken);
        }
        if (dialect.AcquireMigrationLock is { } acquire)
        {
            object? got = await ExecuteScalarAsync(connection, null, acquire, Math.Max(timeout, 130), cancellationToken);
            if (dialect.Provider == SqlProvider.MySql && Convert.ToInt64(got, System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new TimeoutException("Another instance holds the schema migration lock.");
            }
        }
        try
        {
            return await body(connection, target, logger, cancellationToken);
        }
        finally
        {
            if (dialect.ReleaseMigrationLock is { } release)
            {
                await ExecuteScalarAsync(connection, null, release, timeout, CancellationToken.None);
            }
        }
    }

    private static async Task<int> UpCoreAsync(SqlDialect dialect, DbConnection connection, int timeout, string target, int targetVersion, ILogger logger, CancellationToken cancellationToken)
    {
        await ExecuteNonQueryAsync(connection, null, dialect.Ddl(SqlSchema.VersionTable), timeout, cancellationToken);
        int current = await ReadVersionAsync(dialect, connection, null, timeout, cancellationToken);
        if (current > LatestVersion)
        {
            var refused = new SqlSchemaVersionException(current, LatestVersion);
            Log.SchemaRefused(logger, dialect.Provider, target, refused.Message);
            throw refused;
        }
        foreach (var step in SqlSchema.Steps)
        {
            if (step.Version <= current || step.Version > targetVersion)
            {
                continue;
            }
            await using var transaction = dialect.TransactionalDdl ? await connection.BeginTransactionAsync(cancellationToken) : null;
            // Re-read under the transaction: on SQLite the write lock is what serialises instances.
            current = await ReadVersionAsync(dialect, connection, transaction, timeout, cancellationToken);
            if (step.Version <= current)
            {
                continue;
            }
            await ApplyAsync(dialect, connection, transaction, step.Changes, timeout, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandTimeout = timeout;
                record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)";
                SqlDatabase.AddParameter(record, "version", step.Version);
                SqlDatabase.AddParameter(record, "description", step.Description);
                SqlDatabase.AddParameter(record, "at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            current = step.Version;
            Log.MigrationApplied(logger, step.Version, step.Description, dialect.Provider, target);
        }
        return current;
    }

    private static async Task<int> RevertCoreAsync(SqlDialect dialect, DbConnection connection, int timeout, string target, int targetVersion, ILogger logger, CancellationToken cancellationToken)
    {
        int current = await ReadVersionAsync(dialect, connection, null, timeout, cancellationToken);
        if (current > LatestVersion)
        {
            var refused = new SqlSchemaVersionException(current, LatestVersion);
            Log.SchemaRefused(logger, dialect.Provider, target, refused.Message);
            throw refused;
        }
        foreach (var step in SqlSchema.Steps.Reverse())
        {
            if (step.Version > current || step.Version <= targetVersion)
            {
                continue;
            }
            await using var transaction = dialect.TransactionalDdl ? await connection.BeginTransactionAsync(cancellationToken) : null;
            current = await ReadVersionAsync(dialect, connection, transaction, timeout, cancellationToken);
            if (step.Version > current)
            {
                continue;
            }
            await ApplyAsync(dialect, connection, transaction, step.Down, timeout, cancellationToken);
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandTimeout = timeout;
                record.CommandText = "DELETE FROM schema_version WHERE version >= @version";
                SqlDatabase.AddParameter(record, "version", step.Version);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            current = await ReadVersionAsync(dialect, connection, null, timeout, cancellationToken);
            Log.MigrationReverted(logger, step.Version, step.Description, dialect.Provider, target);
        }
        return current;
    }

    private static async Task ApplyAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, IEnumerable<SqlSchemaChange> changes, int timeout, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            if (change.ExistsQuery(dialect) is { } exists
                && (await ExecuteScalarAsync(connection, transaction, exists, timeout, cancellationToken) is not null) == change.SkipWhenExists)
            {
                continue;
            }
            await ExecuteNonQueryAsync(connection, transaction, change.Sql(dialect), timeout, cancellationToken);
        }
    }

    internal static async Task<int> ReadVersionAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, int timeout, CancellationToken cancellationToken)
    {
        if (await ExecuteScalarAsync(connection, transaction, dialect.TableExistsQuery("schema_version"), timeout, cancellationToken) is null)
        {
            return 0;
        }
        object? max = await ExecuteScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_version", timeout, cancellationToken);
        return max is null ? 0 : Convert.ToInt32(max, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<object?> ExecuteScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, int timeout, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandTimeout = timeout;
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task ExecuteNonQueryAsync(DbConnection connection, DbTransaction? transaction, string sql, int timeout, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandTimeout = timeout;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
