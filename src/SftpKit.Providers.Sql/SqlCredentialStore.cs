using System.Data.Common;
using System.Runtime.CompilerServices;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Second factors and personal access tokens in the SQL database (tables <c>totp_configs</c> and <c>access_tokens</c>,
/// schema version 7; protocols and recovery-code hashes as JSON), shared by every instance on it. Secrets are stored
/// as <see cref="SftpCredentials"/> gives them (protected when a secret protector is registered); tokens as hashes.
/// Registered by <c>AddSqlUserStore</c> in place of the in-memory store. With
/// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlCredentialStore : ISftpCredentialStore
{
    private const string TotpColumns = "owner_kind, owner_name, enabled, secret, protocols, recovery_codes";
    private const string TokenColumns = "token_id, owner_kind, owner_name, name, token_hash, scopes, created_at, expires_at, last_use_at";

    private readonly SqlDatabase _db;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    public SqlCredentialStore(SqlStoreOptions options, Microsoft.Extensions.Logging.ILogger<SqlCredentialStore>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time))
    {
    }

    internal SqlCredentialStore(SqlDatabase database) => _db = database;

    /// <inheritdoc/>
    public async ValueTask<SftpTotpConfig?> GetTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {TotpColumns} FROM totp_configs WHERE owner_kind = @kind AND owner_name = @name");
        SqlDatabase.AddParameter(command, "kind", (int)owner.Kind);
        SqlDatabase.AddParameter(command, "name", owner.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTotp(reader) : null;
    }

    /// <inheritdoc/>
    public async ValueTask SetTotpAsync(SftpTotpConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        RefuseWhenReadOnly();
        if (string.IsNullOrEmpty(config.OwnerName) || string.IsNullOrEmpty(config.Secret))
        {
            throw new ArgumentException("A second factor needs its owner and secret.", nameof(config));
        }
        var values = new (string, object?)[]
        {
            ("kind", (int)config.OwnerKind), ("name", config.OwnerName), ("enabled", config.Enabled ? 1 : 0), ("secret", config.Secret),
            ("protocols", SqlAccountColumns.ToJson(config.Protocols ?? [])), ("codes", SqlAccountColumns.ToJson(config.RecoveryCodes ?? [])),
            ("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        };
        const string Update = "UPDATE totp_configs SET enabled = @enabled, secret = @secret, protocols = @protocols, recovery_codes = @codes, updated_at = @now "
            + "WHERE owner_kind = @kind AND owner_name = @name";
        if (await _db.ExecuteAsync(Update, cancellationToken, values) > 0)
        {
            return;
        }
        try
        {
            await _db.ExecuteAsync($"INSERT INTO totp_configs ({TotpColumns}, updated_at) VALUES (@kind, @name, @enabled, @secret, @protocols, @codes, @now)",
                cancellationToken, values);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            await _db.ExecuteAsync(Update, cancellationToken, values); // another instance inserted it meanwhile
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM totp_configs WHERE owner_kind = @kind AND owner_name = @name", cancellationToken,
            ("kind", (int)owner.Kind), ("name", owner.Name)) > 0;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpTotpConfig> ListTotpAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {TotpColumns} FROM totp_configs ORDER BY owner_kind, owner_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadTotp(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SftpAccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {TokenColumns} FROM access_tokens WHERE token_id = @id");
        SqlDatabase.AddParameter(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadToken(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpAccessToken> ListTokensAsync(SftpCredentialOwner? owner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        string where = owner is null ? "" : " WHERE owner_kind = @kind AND owner_name = @name";
        await using var command = _db.Command(connection, $"SELECT {TokenColumns} FROM access_tokens{where} ORDER BY token_id");
        if (owner is { } o)
        {
            SqlDatabase.AddParameter(command, "kind", (int)o.Kind);
            SqlDatabase.AddParameter(command, "name", o.Name);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadToken(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateTokenAsync(SftpAccessToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        RefuseWhenReadOnly();
        if (!SftpCredentials.IsValidTokenId(token.Id) || string.IsNullOrEmpty(token.OwnerName) || string.IsNullOrEmpty(token.Hash))
        {
            throw new ArgumentException("A token needs a valid id, its owner and its hash.", nameof(token));
        }
        try
        {
            await _db.ExecuteAsync($"INSERT INTO access_tokens ({TokenColumns}) VALUES (@id, @kind, @owner, @name, @hash, @scopes, @created, @expires, @used)",
                cancellationToken, ("id", token.Id), ("kind", (int)token.OwnerKind), ("owner", token.OwnerName), ("name", token.Name ?? ""),
                ("hash", token.Hash), ("scopes", (int)token.Scopes), ("created", token.CreatedAt.ToUnixTimeMilliseconds()),
                ("expires", token.ExpiresAt?.ToUnixTimeMilliseconds()), ("used", token.LastUseAt?.ToUnixTimeMilliseconds()));
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("A token with this id exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        return await _db.ExecuteAsync("DELETE FROM access_tokens WHERE token_id = @id", cancellationToken, ("id", id)) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask TouchTokenAsync(string id, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        RefuseWhenReadOnly();
        await _db.ExecuteAsync("UPDATE access_tokens SET last_use_at = @time WHERE token_id = @id", cancellationToken,
            ("time", time.ToUnixTimeMilliseconds()), ("id", id));
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no second factors or tokens.");
        }
    }

    private static SftpTotpConfig ReadTotp(DbDataReader reader) => new()
    {
        OwnerKind = (SftpCredentialOwnerKind)SqlAccountColumns.Int(reader, 0),
        OwnerName = reader.GetString(1),
        Enabled = SqlAccountColumns.Int(reader, 2) != 0,
        Secret = reader.GetString(3),
        Protocols = SqlAccountColumns.FromJson<List<string>>(reader, 4) ?? [],
        RecoveryCodes = SqlAccountColumns.FromJson<List<SftpRecoveryCode>>(reader, 5) ?? [],
    };

    private static SftpAccessToken ReadToken(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        OwnerKind = (SftpCredentialOwnerKind)SqlAccountColumns.Int(reader, 1),
        OwnerName = reader.GetString(2),
        Name = reader.GetString(3),
        Hash = reader.GetString(4),
        Scopes = (SftpAccessTokenScopes)SqlAccountColumns.Int(reader, 5),
        CreatedAt = SqlAccountColumns.Time(reader, 6) ?? default,
        ExpiresAt = SqlAccountColumns.Time(reader, 7),
        LastUseAt = SqlAccountColumns.Time(reader, 8),
    };
}
