using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Groups in the SQL database (table <c>user_groups</c>: name, description, and the rest of the group as camelCase
/// JSON), shared by every instance on it. Registered by <c>AddSqlUserStore</c> in place of the in-memory group store.
/// With a secret protector, secret storage settings are stored protected. With
/// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlGroupStore : ISftpGroupStore
{
    private const string Columns = "name, description, settings";

    private readonly SqlDatabase _db;
    private readonly ISftpSecretProtector? _protector;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    /// <param name="options">The database.</param>
    /// <param name="logger">Migration log lines; none when null.</param>
    /// <param name="time">The clock for the change times; the system clock when null.</param>
    /// <param name="secretProtector">Protects secret storage settings at rest; null (default) stores them as given.</param>
    public SqlGroupStore(SqlStoreOptions options, ILogger<SqlGroupStore>? logger = null, TimeProvider? time = null, ISftpSecretProtector? secretProtector = null)
        : this(new SqlDatabase(options, logger, time), secretProtector)
    {
    }

    internal SqlGroupStore(SqlDatabase database, ISftpSecretProtector? secretProtector = null)
    {
        _db = database;
        _protector = secretProtector;
    }

    /// <inheritdoc/>
    public async ValueTask<SftpGroup?> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM user_groups WHERE name = @name");
        SqlDatabase.AddParameter(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpGroup> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM user_groups ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpGroup group, CancellationToken cancellationToken)
    {
        Check(group);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO user_groups ({Columns}, created_at, updated_at) VALUES (@name, @description, @settings, @now, @now)");
        Bind(command, group);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("A group with this name exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpGroup group, CancellationToken cancellationToken)
    {
        Check(group);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "UPDATE user_groups SET description = @description, settings = @settings, updated_at = @now WHERE name = @name");
        Bind(command, group);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM user_groups WHERE name = @name", cancellationToken, ("name", name)) > 0;
    }

    private void Check(SftpGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        RefuseWhenReadOnly();
        string name = group.Name ?? string.Empty;
        if (name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException("A group name has 1–255 characters, without control characters, '/' or '\\'.", nameof(group));
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no groups.");
        }
    }

    private void Bind(DbCommand command, SftpGroup group)
    {
        var settings = group.Clone();
        if (_protector is not null)
        {
            SftpAccountSecrets.Protect(settings, _protector);
        }
        settings.Name = string.Empty;
        settings.Description = null;
        SqlDatabase.AddParameter(command, "name", group.Name);
        SqlDatabase.AddParameter(command, "description", group.Description);
        SqlDatabase.AddParameter(command, "settings", SqlAccountColumns.ToJson(settings));
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private SftpGroup Read(DbDataReader reader)
    {
        var group = SqlAccountColumns.FromJson<SftpGroup>(reader, 2) ?? new SftpGroup();
        group.Name = reader.GetString(0);
        group.Description = SqlAccountColumns.String(reader, 1);
        if (_protector is not null)
        {
            SftpAccountSecrets.Unprotect(group, _protector);
        }
        return group;
    }
}
