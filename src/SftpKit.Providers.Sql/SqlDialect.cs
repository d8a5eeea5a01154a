using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace SftpKit.Providers.Sql;

/// <summary>
/// What differs between the engines: connections, column types, the upsert clause, unique-violation errors and the
/// migration lock. Every statement the store runs is otherwise the same text with <c>@name</c> parameters.
/// </summary>
internal abstract class SqlDialect
{
    public abstract SqlProvider Provider { get; }

    /// <summary>True when DDL runs inside a transaction (MySQL commits implicitly before and after each DDL statement).</summary>
    public abstract bool TransactionalDdl { get; }

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>The clause after an INSERT that turns a key conflict on <paramref name="keyColumns"/> into an update.</summary>
    public abstract string UpsertClause(string keyColumns);

    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Deadlocks, serialisation failures and busy databases: worth one more try.</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>Where the database is, for logs: the host (never the connection string, which may carry a password).</summary>
    public abstract string DescribeTarget(string connectionString);

    /// <summary>Expands the column-type tokens of a DDL template: {key}, {short}, {text}, {long}, {int}, {table}.</summary>
    public string Ddl(string template) => template
        .Replace("{key}", KeyType, StringComparison.Ordinal)
        .Replace("{short}", ShortType, StringComparison.Ordinal)
        .Replace("{text}", TextType, StringComparison.Ordinal)
        .Replace("{long}", LongType, StringComparison.Ordinal)
        .Replace("{int}", IntType, StringComparison.Ordinal)
        .Replace("{table}", TableOptions, StringComparison.Ordinal);

    protected abstract string KeyType { get; }

    protected abstract string ShortType { get; }

    protected abstract string TextType { get; }

    protected virtual string LongType => "BIGINT";

    protected virtual string IntType => "INTEGER";

    protected virtual string TableOptions => string.Empty;

    /// <summary>Statement creating an index unless it exists (MySQL has no IF NOT EXISTS for indexes: probed first).</summary>
    public virtual string CreateIndex(string name, string table, string columns, bool unique) =>
        $"CREATE {(unique ? "UNIQUE " : string.Empty)}INDEX IF NOT EXISTS {name} ON {table} ({columns})";

    /// <summary>Statement dropping an index if it exists (MySQL has no IF EXISTS for indexes: probed first).</summary>
    public virtual string DropIndex(string name, string table) => $"DROP INDEX IF EXISTS {name}";

    /// <summary>A query returning a row when the index exists, or null when <see cref="CreateIndex"/> and <see cref="DropIndex"/> are idempotent.</summary>
    public virtual string? IndexExistsQuery(string name, string table) => null;

    /// <summary>A query returning a row when the column exists (used to make ADD COLUMN idempotent).</summary>
    public abstract string ColumnExistsQuery(string table, string column);

    /// <summary>A query returning a row when the table exists.</summary>
    public abstract string TableExistsQuery(string table);

    /// <summary>Quotes an identifier the caller has validated (letters, digits, underscores), keeping its case.</summary>
    public virtual string QuoteIdentifier(string name) => "\"" + name + "\"";

    /// <summary>Serialises schema migrations between instances on this connection; null when the engine needs none.</summary>
    public virtual string? AcquireMigrationLock => null;

    /// <summary>Releases <see cref="AcquireMigrationLock"/>.</summary>
    public virtual string? ReleaseMigrationLock => null;

    public static SqlDialect For(SqlProvider provider) => provider switch
    {
        SqlProvider.Sqlite => SqliteDialect.Instance,
        SqlProvider.PostgreSql => PostgreSqlDialect.Instance,
        SqlProvider.MySql => MySqlDialect.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown SQL provider."),
    };
}

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override SqlProvider Provider => SqlProvider.Sqlite;

    public override bool TransactionalDdl => true;

    protected override string KeyType => "TEXT";

    protected override string ShortType => "TEXT";

    protected override string TextType => "TEXT";

    protected override string LongType => "INTEGER";

    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    public override string UpsertClause(string keyColumns) => $"ON CONFLICT ({keyColumns}) DO UPDATE SET";

    // SQLITE_CONSTRAINT (19): primary key and unique violations.
    public override bool IsUniqueViolation(Exception exception) => exception is SqliteException { SqliteErrorCode: 19 };

    // SQLITE_BUSY (5), SQLITE_LOCKED (6).
    public override bool IsTransient(Exception exception) => exception is SqliteException { SqliteErrorCode: 5 or 6 };

    public override string DescribeTarget(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;

    public override string ColumnExistsQuery(string table, string column) =>
        $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'";

    public override string TableExistsQuery(string table) => $"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
}

internal sealed class PostgreSqlDialect : SqlDialect
{
    public static readonly PostgreSqlDialect Instance = new();

    public override SqlProvider Provider => SqlProvider.PostgreSql;

    public override bool TransactionalDdl => true;

    protected override string KeyType => "VARCHAR(255)";

    protected override string ShortType => "VARCHAR(64)";

    protected override string TextType => "TEXT";

    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public override string UpsertClause(string keyColumns) => $"ON CONFLICT ({keyColumns}) DO UPDATE SET";

    public override bool IsUniqueViolation(Exception exception) => exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public override string DescribeTarget(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }

    public override string ColumnExistsQuery(string table, string column) =>
        $"SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'";

    public override string TableExistsQuery(string table) =>
        $"SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'";

    // A session-level advisory lock (key: "SftpKit" as an int64) held for the whole migration.
    public override string AcquireMigrationLock => "SELECT pg_advisory_lock(5356807448716267)";

    public override string ReleaseMigrationLock => "SELECT pg_advisory_unlock(5356807448716267)";
}

internal sealed class MySqlDialect : SqlDialect
{
    public static readonly MySqlDialect Instance = new();

    public override SqlProvider Provider => SqlProvider.MySql;

    public override bool TransactionalDdl => false;

    protected override string KeyType => "VARCHAR(255)";

    protected override string ShortType => "VARCHAR(64)";

    // TEXT stops at 64 KiB; key lists and virtual folders may be longer.
    protected override string TextType => "MEDIUMTEXT";

    // Binary collation: user names and keys are case-sensitive, as on the other engines.
    protected override string TableOptions => " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

    public override DbConnection CreateConnection(string connectionString) => new MySqlConnection(connectionString);

    public override string UpsertClause(string keyColumns) => "ON DUPLICATE KEY UPDATE";

    public override bool IsUniqueViolation(Exception exception) => exception is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public override bool IsTransient(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public override string DescribeTarget(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return $"{builder.Server}:{builder.Port}/{builder.Database}";
    }

    public override string CreateIndex(string name, string table, string columns, bool unique) =>
        $"CREATE {(unique ? "UNIQUE " : string.Empty)}INDEX {name} ON {table} ({columns})";

    public override string DropIndex(string name, string table) => $"DROP INDEX {name} ON {table}";

    public override string? IndexExistsQuery(string name, string table) =>
        $"SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '{table}' AND index_name = '{name}'";

    public override string ColumnExistsQuery(string table, string column) =>
        $"SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = '{column}'";

    public override string TableExistsQuery(string table) =>
        $"SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'";

    public override string QuoteIdentifier(string name) => "`" + name + "`";

    public override string AcquireMigrationLock => "SELECT GET_LOCK('sftpkit_schema', 120)";

    public override string ReleaseMigrationLock => "SELECT RELEASE_LOCK('sftpkit_schema')";
}
