using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Admin;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Roles in the SQL database (table <c>roles</c>, schema version 6), shared by every instance on it. Registered by
/// <c>AddSqlAdminStore</c> in place of the in-memory role store. With <see cref="SqlStoreOptions.ReadOnlyAccounts"/>
/// every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlRoleStore : ISftpRoleStore
{
    private const string Columns = "name, description";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlRoleStore(SqlStoreOptions options, ILogger<SqlRoleStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlRoleStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask<SftpRole?> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM roles WHERE name = @name");
        SqlDatabase.AddParameter(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpRole> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM roles ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpRole role, CancellationToken cancellationToken)
    {
        Check(role);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"INSERT INTO roles ({Columns}, created_at, updated_at) VALUES (@name, @description, @now, @now)");
        Bind(command, role);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("A role with this name exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpRole role, CancellationToken cancellationToken)
    {
        Check(role);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, "UPDATE roles SET description = @description, updated_at = @now WHERE name = @name");
        Bind(command, role);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM roles WHERE name = @name", cancellationToken, ("name", name)) > 0;
    }

    private void Check(SftpRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        RefuseWhenReadOnly();
        string name = role.Name ?? string.Empty;
        if (name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException("A role name has 1–255 characters, without control characters, '/' or '\\'.", nameof(role));
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no roles.");
        }
    }

    private void Bind(DbCommand command, SftpRole role)
    {
        SqlDatabase.AddParameter(command, "name", role.Name);
        SqlDatabase.AddParameter(command, "description", role.Description);
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private static SftpRole Read(DbDataReader reader) => new()
    {
        Name = reader.GetString(0),
        Description = SqlAccountColumns.String(reader, 1),
    };
}
