using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using SftpKit.Events.Rules;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Run records of event rules in the SQL database (table <c>event_runs</c>, schema version 8: rule, trigger, event,
/// account, path, status, start time and duration in columns, the actions' outcomes as JSON; indexed on the start
/// time and on rule and start time), shared by every instance on it. Registered by <c>AddSqlUserStore</c> in place of
/// the in-memory run store. A run without an <see cref="SftpEventRun.Id"/> gets a new GUID; ids have at most 64
/// characters. <see cref="QueryAsync"/> returns at most <see cref="MaxQueryLimit"/> runs, newest first. With
/// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlEventRunStore : ISftpEventRunStore
{
    /// <summary>Most runs one query returns: 1000 (<see cref="SftpEventRunQuery.Limit"/> is clamped to 1–1000).</summary>
    public const int MaxQueryLimit = 1000;

    private const string Columns = "run_id, rule_name, trigger_kind, event_name, user_name, path, status, started_at, duration_ms, actions";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlEventRunStore(SqlStoreOptions options, ILogger<SqlEventRunStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlEventRunStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask AddAsync(SftpEventRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        RefuseWhenReadOnly();
        string id = string.IsNullOrEmpty(run.Id) ? Guid.NewGuid().ToString("N") : run.Id;
        if (id.Length > 64)
        {
            throw new ArgumentException("A run id has at most 64 characters.", nameof(run));
        }
        if (string.IsNullOrEmpty(run.Rule) || run.Rule.Length > 255)
        {
            throw new ArgumentException("A run names its rule (1–255 characters).", nameof(run));
        }
        await _db.ExecuteAsync(
            $"INSERT INTO event_runs ({Columns}) VALUES (@id, @rule, @trigger, @event, @user, @path, @status, @started, @duration, @actions)",
            cancellationToken,
            ("id", id),
            ("rule", run.Rule),
            ("trigger", (int)run.Trigger),
            ("event", run.Event ?? string.Empty),
            ("user", run.UserName),
            ("path", run.Path),
            ("status", (int)run.Status),
            ("started", run.StartedAt.ToUnixTimeMilliseconds()),
            ("duration", (long)run.Duration.TotalMilliseconds),
            ("actions", SqlAccountColumns.ToJson(run.Actions ?? [])));
        run.Id = id;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpEventRun> QueryAsync(SftpEventRunQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        RefuseWhenReadOnly();
        int limit = Math.Clamp(query.Limit, 1, MaxQueryLimit);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, string.Empty);
        var where = new StringBuilder();
        void Filter(string clause, string name, object value)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(clause);
            SqlDatabase.AddParameter(command, name, value);
        }
        if (query.Rule is { } rule)
        {
            Filter("rule_name = @rule", "rule", rule);
        }
        if (query.UserName is { } user)
        {
            Filter("user_name = @user", "user", user);
        }
        if (query.Status is { } status)
        {
            Filter("status = @status", "status", (int)status);
        }
        if (query.From is { } from)
        {
            Filter("started_at >= @from", "from", from.ToUnixTimeMilliseconds());
        }
        if (query.To is { } to)
        {
            Filter("started_at < @to", "to", to.ToUnixTimeMilliseconds());
        }
        // The limit is a clamped integer, written in the text: LIMIT takes no parameter on every engine.
        command.CommandText = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {Columns} FROM event_runs{where} ORDER BY started_at DESC, run_id DESC LIMIT {limit}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM event_runs WHERE started_at < @before", cancellationToken, ("before", olderThan.ToUnixTimeMilliseconds()));
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no event runs.");
        }
    }

    private static SftpEventRun Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Rule = reader.GetString(1),
        Trigger = (SftpEventTrigger)SqlAccountColumns.Int(reader, 2),
        Event = reader.GetString(3),
        UserName = SqlAccountColumns.String(reader, 4),
        Path = SqlAccountColumns.String(reader, 5),
        Status = (SftpEventRunStatus)SqlAccountColumns.Int(reader, 6),
        StartedAt = SqlAccountColumns.Time(reader, 7) ?? default,
        Duration = TimeSpan.FromMilliseconds(SqlAccountColumns.Long(reader, 8)),
        Actions = SqlAccountColumns.FromJson<List<SftpEventRunAction>>(reader, 9) ?? [],
    };
}
