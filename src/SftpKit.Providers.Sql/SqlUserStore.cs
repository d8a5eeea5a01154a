using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Accounts and quota usage in a SQL database (SQLite, PostgreSQL, MySQL/MariaDB; see <see cref="SqlStoreOptions"/>).
/// Several server instances may share one database. Quota usage changes only through single atomic upserts
/// (<c>size = size + @delta</c>), never read-modify-write, and is never cached. Logins may reuse an account read
/// within <see cref="SqlStoreOptions.AuthCacheDuration"/> (default 5 seconds); this store's own writes drop the cached
/// copy at once. <see cref="SftpAccount.LastLogin"/> is kept by <see cref="RecordLoginAsync"/>: <see cref="UpdateAsync"/>
/// leaves it as stored. User names have 1–255 characters (no control characters or <c>/</c>) and password hashes at most
/// 1024; every other field is stored verbatim, always as a statement parameter.
/// <para>
/// With <see cref="SqlStoreOptions.ReadOnlyAccounts"/> set, accounts are read from the operator's own table or view
/// instead: <see cref="CreateAsync"/>, <see cref="UpdateAsync"/> and <see cref="DeleteAsync"/> throw
/// <see cref="NotSupportedException"/>; <see cref="RecordLoginAsync"/> and <see cref="UpdatePasswordHashAsync"/> (the
/// rehash of a legacy hash after a login) do nothing; quota usage lives in this process's memory, one entry per
/// account or folder that has usage: it is not shared between instances and starts at zero on each start, so seed it
/// with <see cref="Policies.SftpQuotaManager.ScanAsync"/> where quotas matter (SFTPGo, in the same setup, turns quota tracking
/// off instead).
/// </para>
/// </summary>
public sealed class SqlUserStore : ISftpUserStore, ISftpQuotaStore
{
    private readonly SqlDatabase _db;
    private readonly ISftpSecretProtector? _protector;
    private readonly ConcurrentDictionary<string, CachedAccount> _cache = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    /// <param name="options">Engine, connection string and store settings.</param>
    /// <param name="logger">Store log lines (never connection strings or secrets); none when null.</param>
    /// <param name="time">The clock; defaults to the system clock.</param>
    /// <param name="secretProtector">
    /// When set, secret storage settings (<see cref="SftpAccountSecrets.IsSecret"/>) are written protected
    /// (<c>$aes$…</c>) and decrypted on read; plain values already stored keep working and are protected when their
    /// account is next saved. Defaults to null: stored as given.
    /// </param>
    public SqlUserStore(SqlStoreOptions options, ILogger<SqlUserStore>? logger = null, TimeProvider? time = null, ISftpSecretProtector? secretProtector = null)
        : this(new SqlDatabase(options, logger, time), secretProtector)
    {
    }

    internal SqlUserStore(SqlDatabase database, ISftpSecretProtector? secretProtector = null)
    {
        _db = database;
        _protector = secretProtector;
    }

    /// <summary>What is written for <paramref name="account"/>: a copy with its secrets protected, when protecting.</summary>
    private SftpAccount Stored(SftpAccount account)
    {
        if (_protector is null)
        {
            return account;
        }
        var copy = account.Clone();
        SftpAccountSecrets.Protect(copy, _protector);
        return copy;
    }

    private SftpAccount Plain(SftpAccount account)
    {
        if (_protector is not null)
        {
            SftpAccountSecrets.Unprotect(account, _protector);
        }
        return account;
    }

    /// <summary>The engine this store runs on.</summary>
    public SqlProvider Provider => _db.Dialect.Provider;

    /// <summary>Applies pending migrations (or checks the schema version) now instead of at the first statement.</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) => _db.EnsureReadyAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var cacheFor = _db.Options.AuthCacheDuration;
        if (cacheFor > TimeSpan.Zero && _cache.TryGetValue(userName, out var cached)
            && _db.Time.GetElapsedTime(cached.ReadAt) < cacheFor)
        {
            return cached.Account.Clone();
        }
        long generation = Interlocked.Read(ref _generation);
        long readAt = _db.Time.GetTimestamp();
        SftpAccount? account = null;
        await using (var connection = await _db.OpenAsync(cancellationToken))
        await using (var command = _db.Command(connection, _db.ReadOnly?.FindSql ?? $"SELECT {SqlAccountColumns.Select} FROM accounts WHERE user_name = @user_name"))
        {
            SqlDatabase.AddParameter(command, "user_name", userName);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                account = _db.ReadOnly is null ? Plain(SqlAccountColumns.Read(reader)) : SqlReadOnlyAccounts.Read(reader);
            }
        }
        // Unknown users are not cached, so an account created elsewhere can log in at once.
        if (account is not null && cacheFor > TimeSpan.Zero)
        {
            if (_cache.Count >= _db.Options.AuthCacheMaxEntries)
            {
                _cache.Clear();
            }
            // A write by this store while we read makes what we read stale: keep it out of the cache.
            if (Interlocked.Read(ref _generation) == generation)
            {
                _cache[userName] = new CachedAccount(account.Clone(), readAt);
            }
        }
        return account;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpAccount> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, _db.ReadOnly?.ListSql ?? $"SELECT {SqlAccountColumns.Select} FROM accounts ORDER BY user_name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return _db.ReadOnly is null ? Plain(SqlAccountColumns.Read(reader)) : SqlReadOnlyAccounts.Read(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        RefuseWhenReadOnly("create", account.UserName);
        SqlAccountColumns.Validate(account);
        Invalidate(account.UserName);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, SqlAccountColumns.Insert);
        SqlAccountColumns.Bind(command, Stored(account), _db.Now);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("The user name is taken.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        RefuseWhenReadOnly("update", account.UserName);
        SqlAccountColumns.Validate(account);
        Invalidate(account.UserName);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"UPDATE accounts SET {SqlAccountColumns.UpdateSet} WHERE user_name = @user_name");
        SqlAccountColumns.Bind(command, Stored(account), _db.Now);
        command.Parameters.RemoveAt("last_login");
        bool updated = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        Invalidate(account.UserName);
        return updated;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        RefuseWhenReadOnly("delete", userName);
        Invalidate(userName);
        bool deleted = await _db.ExecuteAsync("DELETE FROM accounts WHERE user_name = @user_name", cancellationToken, ("user_name", userName)) > 0;
        Invalidate(userName);
        return deleted;
    }

    /// <inheritdoc/>
    public async ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(expectedOldHash);
        ArgumentNullException.ThrowIfNull(newHash);
        if (newHash.Length > SqlAccountColumns.MaxPasswordHashLength)
        {
            throw new ArgumentException($"A password hash has at most {SqlAccountColumns.MaxPasswordHashLength} characters.", nameof(newHash));
        }
        if (_db.ReadOnly is not null)
        {
            Log.ReadOnlyRehashSkipped(_db.Logger, userName);
            return;
        }
        Invalidate(userName);
        await _db.ExecuteAsync(
            "UPDATE accounts SET password_hash = @new_hash, updated_at = @now WHERE user_name = @user_name AND password_hash = @old_hash",
            cancellationToken, ("new_hash", newHash), ("now", _db.Now), ("user_name", userName), ("old_hash", expectedOldHash));
        Invalidate(userName);
    }

    /// <inheritdoc/>
    public async ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        if (_db.ReadOnly is not null)
        {
            return;
        }
        await _db.ExecuteAsync("UPDATE accounts SET last_login = @at WHERE user_name = @user_name",
            cancellationToken, ("at", time.ToUnixTimeMilliseconds()), ("user_name", userName));
        // Keep the cached copy (a login must not cost the next login its cache hit), with the new time.
        if (_cache.TryGetValue(userName, out var cached))
        {
            var updated = cached.Account.Clone();
            updated.LastLogin = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
            _cache.TryUpdate(userName, cached with { Account = updated }, cached);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken)
    {
        if (_db.ReadOnly is { } readOnly)
        {
            return readOnly.GetUsage(owner);
        }
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, "SELECT size, files FROM quota_usage WHERE owner_kind = @kind AND owner_name = @name");
        SqlDatabase.AddParameter(command, "kind", Kind(owner));
        SqlDatabase.AddParameter(command, "name", owner.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return default;
        }
        return new SftpQuotaUsage(
            Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Adds the deltas in one upsert; usage never goes below zero.</summary>
    public async ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken)
    {
        if (sizeDelta == 0 && filesDelta == 0)
        {
            return;
        }
        if (_db.ReadOnly is { } readOnly)
        {
            readOnly.AddUsage(owner, sizeDelta, filesDelta);
            return;
        }
        string sql =
            "INSERT INTO quota_usage (owner_kind, owner_name, size, files, updated_at) VALUES (@kind, @name, @initial_size, @initial_files, @now) " +
            _db.Dialect.UpsertClause("owner_kind, owner_name") +
            " size = CASE WHEN quota_usage.size + @size_delta < 0 THEN 0 ELSE quota_usage.size + @size_delta END," +
            " files = CASE WHEN quota_usage.files + @files_delta < 0 THEN 0 ELSE quota_usage.files + @files_delta END," +
            " updated_at = @now";
        await _db.ExecuteAsync(sql, cancellationToken,
            ("kind", Kind(owner)), ("name", owner.Name), ("initial_size", Math.Max(0, sizeDelta)), ("initial_files", Math.Max(0, filesDelta)),
            ("now", _db.Now), ("size_delta", sizeDelta), ("files_delta", filesDelta));
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken)
    {
        if (_db.ReadOnly is { } readOnly)
        {
            readOnly.SetUsage(owner, usage);
            return;
        }
        string sql =
            "INSERT INTO quota_usage (owner_kind, owner_name, size, files, updated_at) VALUES (@kind, @name, @size, @files, @now) " +
            _db.Dialect.UpsertClause("owner_kind, owner_name") + " size = @size, files = @files, updated_at = @now";
        await _db.ExecuteAsync(sql, cancellationToken,
            ("kind", Kind(owner)), ("name", owner.Name), ("size", Math.Max(0, usage.Size)), ("files", Math.Max(0, usage.Files)), ("now", _db.Now));
    }

    private void RefuseWhenReadOnly(string operation, string? userName)
    {
        if (_db.ReadOnly is { } readOnly)
        {
            Log.ReadOnlyWriteRefused(_db.Logger, operation, userName ?? string.Empty);
            throw readOnly.WriteRefused();
        }
    }

    private void Invalidate(string userName)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(userName, out _);
    }

    private static string Kind(SftpQuotaOwner owner) => owner.Kind switch
    {
        SftpQuotaOwnerKind.Folder => "folder",
        SftpQuotaOwnerKind.UploadTransfer => "upload",
        SftpQuotaOwnerKind.DownloadTransfer => "download",
        _ => "user",
    };

    private sealed record CachedAccount(SftpAccount Account, long ReadAt);
}
