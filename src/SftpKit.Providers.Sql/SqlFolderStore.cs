using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Virtual folder definitions in the SQL database (table <c>folders</c>; storage as camelCase JSON), shared by every
/// instance on it. Registered by <c>AddSqlUserStore</c> in place of the in-memory folder store. With
/// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlFolderStore : ISftpFolderStore
{
    private const string Columns = "name, file_system, quota_size, quota_files, description";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlFolderStore(SqlStoreOptions options, ILogger<SqlFolderStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlFolderStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask<SftpFolder?> FindAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM folders WHERE name = @name");
        SqlDatabase.AddParameter(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpFolder> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM folders ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        Check(folder);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO folders ({Columns}, created_at, updated_at) VALUES (@name, @file_system, @quota_size, @quota_files, @description, @now, @now)");
        Bind(command, folder);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("A folder with this name exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        Check(folder);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "UPDATE folders SET file_system = @file_system, quota_size = @quota_size, quota_files = @quota_files, description = @description, updated_at = @now WHERE name = @name");
        Bind(command, folder);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM folders WHERE name = @name", cancellationToken, ("name", name)) > 0;
    }

    private void Check(SftpFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        RefuseWhenReadOnly();
        string name = folder.Name ?? string.Empty;
        if (name.Length is 0 or > 255 || name.Any(char.IsControl))
        {
            throw new ArgumentException("A folder name has 1–255 characters, without control characters.", nameof(folder));
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no folders.");
        }
    }

    private void Bind(DbCommand command, SftpFolder folder)
    {
        SqlDatabase.AddParameter(command, "name", folder.Name);
        SqlDatabase.AddParameter(command, "file_system", SqlAccountColumns.ToJson(folder.FileSystem ?? new SftpFileSystemConfig()));
        SqlDatabase.AddParameter(command, "quota_size", folder.QuotaSize);
        SqlDatabase.AddParameter(command, "quota_files", folder.QuotaFiles);
        SqlDatabase.AddParameter(command, "description", folder.Description);
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private static SftpFolder Read(DbDataReader reader) => new()
    {
        Name = reader.GetString(0),
        FileSystem = SqlAccountColumns.FromJson<SftpFileSystemConfig>(reader, 1) ?? new SftpFileSystemConfig(),
        QuotaSize = SqlAccountColumns.Long(reader, 2),
        QuotaFiles = SqlAccountColumns.Long(reader, 3),
        Description = SqlAccountColumns.String(reader, 4),
    };
}
