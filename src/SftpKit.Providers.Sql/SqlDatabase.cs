using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SftpKit.Providers.Sql;

/// <summary>
/// One database shared by the store, the session limiter and the defender: opens connections (pooled by the
/// provider), makes sure the schema is current before the first statement, and builds parameterised commands.
/// </summary>
internal sealed class SqlDatabase
{
    private readonly Lock _readyLock = new();
    private readonly ILogger _logger;
    private volatile Task? _ready;

    public SqlDatabase(SqlStoreOptions options, ILogger? logger, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("SqlStoreOptions.ConnectionString is required.", nameof(options));
        }
        Options = options.Clone();
        Dialect = SqlDialect.For(Options.Provider);
        Time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        ReadOnly = Options.ReadOnlyAccounts is { } readOnly ? new SqlReadOnlyAccounts(readOnly, Dialect) : null;
    }

    /// <summary>The read-only mode's statements and in-memory quota usage; null in read-write mode.</summary>
    public SqlReadOnlyAccounts? ReadOnly { get; }

    public ILogger Logger => _logger;

    public SqlStoreOptions Options { get; }

    public SqlDialect Dialect { get; }

    public TimeProvider Time { get; }

    /// <summary>Now, as stored: UTC Unix milliseconds.</summary>
    public long Now => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Migrates (or checks the version) once; later calls return at once. A failure is retried on the next call.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }
        lock (_readyLock)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = PrepareAsync();
            }
            ready = _ready;
        }
        return ready.WaitAsync(cancellationToken);
    }

    private async Task PrepareAsync()
    {
        // Not cancelled by one caller's token: others may be waiting for the same work (each command has a timeout).
        string target = Dialect.DescribeTarget(Options.ConnectionString);
        if (ReadOnly is not null)
        {
            await ProbeReadOnlySourceAsync(ReadOnly, target);
            return;
        }
        int version;
        if (Options.MigrateOnStart)
        {
            version = await SqlMigrator.MigrateCoreAsync(Dialect, Options, SqlMigrator.LatestVersion, _logger, CancellationToken.None);
        }
        else
        {
            await using var connection = Dialect.CreateConnection(Options.ConnectionString);
            await connection.OpenAsync();
            version = await SqlMigrator.ReadVersionAsync(Dialect, connection, null, Options.CommandTimeoutSeconds, CancellationToken.None);
            if (version != SqlMigrator.LatestVersion)
            {
                var refused = new SqlSchemaVersionException(version, SqlMigrator.LatestVersion);
                Log.SchemaRefused(_logger, Dialect.Provider, target, refused.Message);
                throw refused;
            }
        }
        Log.StoreOpened(_logger, Dialect.Provider, target, version);
    }

    // Read-only mode touches no schema of its own: it only checks that the mapped table and columns can be read.
    private async Task ProbeReadOnlySourceAsync(SqlReadOnlyAccounts source, string target)
    {
        try
        {
            await using var connection = Dialect.CreateConnection(Options.ConnectionString);
            await connection.OpenAsync();
            await using var command = Command(connection, source.ProbeSql);
            await using var reader = await command.ExecuteReaderAsync();
        }
        catch (DbException e)
        {
            Log.ReadOnlySourceRefused(_logger, Dialect.Provider, target, source.Table, e);
            throw new InvalidOperationException(
                $"The SQL store cannot read accounts from '{source.Table}': the table or view, or one of the mapped columns, is missing or not readable.", e);
        }
        Log.ReadOnlyStoreOpened(_logger, Dialect.Provider, target, source.Table);
        if (Options.ReadOnlyAccounts is { QuotaSizeColumn: not null } or { QuotaFilesColumn: not null })
        {
            Log.ReadOnlyQuotaInMemory(_logger, source.Table);
        }
    }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken);
        var connection = Dialect.CreateConnection(Options.ConnectionString);
        var span = SqlTelemetry.Start(connection, Dialect.Provider);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (Dialect.Provider == SqlProvider.Sqlite && !Options.SqliteDurableCommits)
            {
                // Per connection, not stored in the file; cheap (no I/O). See SqlStoreOptions.SqliteDurableCommits.
                await using var pragma = Command(connection, "PRAGMA synchronous=NORMAL");
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "open failed");
            await connection.DisposeAsync();
            span?.Stop();
            throw;
        }
    }

    public DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = Options.CommandTimeoutSeconds;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Runs one statement on a connection of its own; returns the rows it changed.</summary>
    public async ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql);
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name, value);
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
