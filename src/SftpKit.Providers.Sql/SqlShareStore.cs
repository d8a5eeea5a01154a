using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Shares in the SQL database (table <c>shares</c>; paths and networks as JSON), shared by every instance on it; a
/// link's use is counted with one conditional <c>UPDATE</c>, so its token limit holds across instances. Registered by
/// <c>AddSqlUserStore</c> in place of the in-memory share store. With <see cref="SqlStoreOptions.ReadOnlyAccounts"/>
/// every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlShareStore : ISftpShareStore
{
    private const string Columns =
        "share_id, name, description, scope, paths, user_name, created_at, updated_at, last_use_at, expires_at, password_hash, max_tokens, used_tokens, allow_from";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlShareStore(SqlStoreOptions options, ILogger<SqlShareStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlShareStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask<SftpShare?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM shares WHERE share_id = @id");
        SqlDatabase.AddParameter(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpShare> ListAsync(string? userName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        string where = userName is null ? string.Empty : " WHERE user_name = @user";
        await using var command = _db.Command(connection, $"SELECT {Columns} FROM shares{where} ORDER BY share_id");
        if (userName is not null)
        {
            SqlDatabase.AddParameter(command, "user", userName);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpShare share, CancellationToken cancellationToken)
    {
        Check(share);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO shares ({Columns}) VALUES (@id, @name, @description, @scope, @paths, @user, @created_at, @updated_at, @last_use_at, @expires_at, @password_hash, @max_tokens, @used_tokens, @allow_from)");
        Bind(command, share);
        SqlDatabase.AddParameter(command, "created_at", share.CreatedAt.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "last_use_at", share.LastUseAt?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "used_tokens", share.UsedTokens);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("A share with this id exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpShare share, CancellationToken cancellationToken)
    {
        Check(share);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "UPDATE shares SET name = @name, description = @description, scope = @scope, paths = @paths, user_name = @user, updated_at = @updated_at, "
            + "expires_at = @expires_at, password_hash = @password_hash, max_tokens = @max_tokens, allow_from = @allow_from WHERE share_id = @id");
        Bind(command, share);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM shares WHERE share_id = @id", cancellationToken, ("id", id)) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryUseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        // One statement: the limit is checked and the token spent atomically on every engine.
        return await _db.ExecuteAsync(
            "UPDATE shares SET used_tokens = used_tokens + 1, last_use_at = @now WHERE share_id = @id AND (max_tokens = 0 OR used_tokens < max_tokens)",
            cancellationToken, ("now", now.ToUnixTimeMilliseconds()), ("id", id)) > 0;
    }

    private void Check(SftpShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        RefuseWhenReadOnly();
        if (!SftpShare.IsValidId(share.Id))
        {
            throw new ArgumentException("A share id has 1–64 characters of A-Z, a-z, 0-9, '-' and '_'.", nameof(share));
        }
        if (string.IsNullOrEmpty(share.UserName) || share.UserName.Length > 255)
        {
            throw new ArgumentException("A share needs its owner's user name (1–255 characters).", nameof(share));
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no shares.");
        }
    }

    private static void Bind(DbCommand command, SftpShare share)
    {
        SqlDatabase.AddParameter(command, "id", share.Id);
        SqlDatabase.AddParameter(command, "name", share.Name ?? string.Empty);
        SqlDatabase.AddParameter(command, "description", share.Description);
        SqlDatabase.AddParameter(command, "scope", (int)share.Scope);
        SqlDatabase.AddParameter(command, "paths", SqlAccountColumns.ToJson(share.Paths ?? []));
        SqlDatabase.AddParameter(command, "user", share.UserName);
        SqlDatabase.AddParameter(command, "updated_at", share.UpdatedAt.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "expires_at", share.ExpiresAt?.ToUnixTimeMilliseconds());
        SqlDatabase.AddParameter(command, "password_hash", share.PasswordHash);
        SqlDatabase.AddParameter(command, "max_tokens", share.MaxTokens);
        SqlDatabase.AddParameter(command, "allow_from", SqlAccountColumns.ToJson(share.AllowFrom ?? []));
    }

    private static SftpShare Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Description = SqlAccountColumns.String(reader, 2),
        Scope = (SftpShareScope)SqlAccountColumns.Int(reader, 3),
        Paths = SqlAccountColumns.FromJson<List<string>>(reader, 4) ?? [],
        UserName = reader.GetString(5),
        CreatedAt = SqlAccountColumns.Time(reader, 6) ?? default,
        UpdatedAt = SqlAccountColumns.Time(reader, 7) ?? default,
        LastUseAt = SqlAccountColumns.Time(reader, 8),
        ExpiresAt = SqlAccountColumns.Time(reader, 9),
        PasswordHash = SqlAccountColumns.String(reader, 10),
        MaxTokens = SqlAccountColumns.Int(reader, 11),
        UsedTokens = SqlAccountColumns.Int(reader, 12),
        AllowFrom = SqlAccountColumns.FromJson<List<string>>(reader, 13) ?? [],
    };
}
