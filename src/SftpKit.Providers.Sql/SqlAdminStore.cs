using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Admin;
using SftpKit.Networking;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Admins and API keys of the admin API in the SQL database (tables <c>admins</c> and <c>api_keys</c>), so every
/// instance on one database shares them. Password hashes and SHA-256 hashes of API-key secrets are stored, never
/// secrets; every value is a statement parameter. Deleting an admin deletes its bound keys in the same transaction.
/// Not available with <see cref="SqlStoreOptions.ReadOnlyAccounts"/> (no tables of SftpKit's own exist there):
/// every call throws <see cref="NotSupportedException"/>. Register with <c>AddSqlAdminStore()</c>.
/// </summary>
public sealed class SqlAdminStore : ISftpAdminStore
{
    private const string AdminColumns = "user_name, password_hash, enabled, permissions, allowed_networks, allow_api_key_auth, description, role";
    private const string KeyColumns = "key_id, key_hash, name, admin_user, expires_at, description, created_at";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlAdminStore(SqlStoreOptions options, ILogger<SqlAdminStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlAdminStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask<SftpAdmin?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {AdminColumns} FROM admins WHERE user_name = @user_name");
        SqlDatabase.AddParameter(command, "user_name", userName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAdmin(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpAdmin> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {AdminColumns} FROM admins ORDER BY user_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadAdmin(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpAdmin admin, CancellationToken cancellationToken)
    {
        Check(admin);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO admins ({AdminColumns}, created_at, updated_at) VALUES (@user_name, @password_hash, @enabled, @permissions, @allowed_networks, @allow_api_key_auth, @description, @role, @now, @now)");
        BindAdmin(command, admin);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("An admin with this name exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpAdmin admin, CancellationToken cancellationToken)
    {
        Check(admin);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "UPDATE admins SET password_hash = @password_hash, enabled = @enabled, permissions = @permissions, allowed_networks = @allowed_networks, "
            + "allow_api_key_auth = @allow_api_key_auth, description = @description, role = @role, updated_at = @now WHERE user_name = @user_name");
        BindAdmin(command, admin);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var keys = _db.Command(connection, "DELETE FROM api_keys WHERE admin_user = @user_name", transaction))
        {
            SqlDatabase.AddParameter(keys, "user_name", userName);
            await keys.ExecuteNonQueryAsync(cancellationToken);
        }
        int deleted;
        await using (var admins = _db.Command(connection, "DELETE FROM admins WHERE user_name = @user_name", transaction))
        {
            SqlDatabase.AddParameter(admins, "user_name", userName);
            deleted = await admins.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<SftpApiKey?> FindApiKeyAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {KeyColumns} FROM api_keys WHERE key_id = @key_id");
        SqlDatabase.AddParameter(command, "key_id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadKey(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpApiKey> ListApiKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, key_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadKey(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateApiKeyAsync(SftpApiKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        RefuseWhenReadOnly();
        if (key.Id.Length is 0 or > 64 || key.SecretHash.Length is 0 or > 128 || key.Name.Length > 255)
        {
            throw new ArgumentException("An API key needs an id of 1–64 characters, a secret hash of at most 128 and a name of at most 255.", nameof(key));
        }
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO api_keys ({KeyColumns}, scope) VALUES (@key_id, @key_hash, @name, @admin_user, @expires_at, @description, @created_at, 'admin')");
        SqlDatabase.AddParameter(command, "key_id", key.Id);
        SqlDatabase.AddParameter(command, "key_hash", key.SecretHash);
        SqlDatabase.AddParameter(command, "name", key.Name);
        SqlDatabase.AddParameter(command, "admin_user", key.Admin);
        SqlDatabase.AddParameter(command, "expires_at", key.ExpiresAt?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "description", key.Description);
        SqlDatabase.AddParameter(command, "created_at", key.CreatedAt.ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("An API key with this id exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteApiKeyAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM api_keys WHERE key_id = @key_id", cancellationToken, ("key_id", id)) > 0;
    }

    private void Check(SftpAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        RefuseWhenReadOnly();
        string name = admin.UserName ?? string.Empty;
        if (name.Length is 0 or > 255 || name.Any(char.IsControl))
        {
            throw new ArgumentException("An admin name has 1–255 characters, without control characters.", nameof(admin));
        }
        if (admin.PasswordHash is { Length: > SqlAccountColumns.MaxPasswordHashLength })
        {
            throw new ArgumentException($"A password hash has at most {SqlAccountColumns.MaxPasswordHashLength} characters.", nameof(admin));
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no admins.");
        }
    }

    private void BindAdmin(DbCommand command, SftpAdmin admin)
    {
        SqlDatabase.AddParameter(command, "user_name", admin.UserName);
        // The column predates admins without passwords: an empty string stands for none.
        SqlDatabase.AddParameter(command, "password_hash", admin.PasswordHash ?? string.Empty);
        SqlDatabase.AddParameter(command, "enabled", admin.Enabled ? 1 : 0);
        SqlDatabase.AddParameter(command, "permissions", SqlAccountColumns.ToJson(admin.Permissions));
        SqlDatabase.AddParameter(command, "allowed_networks", SqlAccountColumns.ToJson(SftpNetworkList.Normalize(admin.AllowedNetworks)));
        SqlDatabase.AddParameter(command, "allow_api_key_auth", admin.AllowApiKeyAuth ? 1 : 0);
        SqlDatabase.AddParameter(command, "description", admin.Description);
        SqlDatabase.AddParameter(command, "role", admin.Role);
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private static SftpAdmin ReadAdmin(DbDataReader reader) => new()
    {
        UserName = reader.GetString(0),
        PasswordHash = SqlAccountColumns.String(reader, 1) is { Length: > 0 } hash ? hash : null,
        Enabled = SqlAccountColumns.Long(reader, 2) != 0,
        Permissions = SqlAccountColumns.FromJson<List<string>>(reader, 3) ?? [],
        AllowedNetworks = SqlAccountColumns.FromJson<List<string>>(reader, 4) ?? [],
        AllowApiKeyAuth = !reader.IsDBNull(5) && SqlAccountColumns.Long(reader, 5) != 0,
        Description = SqlAccountColumns.String(reader, 6),
        Role = SqlAccountColumns.String(reader, 7),
    };

    private static SftpApiKey ReadKey(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        SecretHash = reader.GetString(1),
        Name = reader.GetString(2),
        Admin = SqlAccountColumns.String(reader, 3),
        ExpiresAt = SqlAccountColumns.Time(reader, 4),
        Description = SqlAccountColumns.String(reader, 5),
        CreatedAt = SqlAccountColumns.Time(reader, 6) ?? DateTimeOffset.UnixEpoch,
    };
}
