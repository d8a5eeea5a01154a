using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Counts sessions per account in the <c>session_leases</c> table, so an account's <c>MaxSessions</c> holds across
/// every instance sharing the database. A limited session takes the lowest free slot number 1..max with ONE
/// <c>INSERT ... SELECT</c>; a unique index on (user, slot) makes the database itself refuse a second holder of a
/// slot, so of N logins racing for the last slot exactly one wins on every engine (a loser that collided retries, at
/// most 8 times, and finds no free slot). Unlimited sessions hold a NULL slot and are counted too. Leases live
/// <see cref="SqlStoreOptions.SessionLeaseDuration"/> (default 90 s) and this instance renews its own every
/// <see cref="SqlStoreOptions.SessionLeaseRenewInterval"/> (default 30 s), so the slots of an instance that died free
/// themselves; expired leases of a user are deleted before each acquire. Expiry compares the instances' clocks: keep
/// them in sync (NTP) to well under the lease duration. Disposing the limiter stops renewal and leaves the leases to
/// their connections (which release them as they close) or to expiry.
/// </summary>
public sealed class SqlSessionLimiter : ISftpSessionLimiter, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// Tries of one acquire when instances race for the same slot or the engine breaks a lock cycle (InnoDB's
    /// INSERT ... SELECT takes gap locks, so parallel logins of one user on MariaDB/MySQL deadlock often under load).
    /// With the exponential backoff below the tries span at most about 3 s before the error reaches the login.
    /// </summary>
    private const int MaxAttempts = 14;

    private readonly SqlDatabase _db;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);
    private readonly ITimer _renewal;
    private int _renewing;

    /// <summary>Creates a limiter over its own connections.</summary>
    public SqlSessionLimiter(SqlStoreOptions options, ILogger<SqlSessionLimiter>? logger = null, TimeProvider? time = null)
        : this(new SqlDatabase(options, logger, time), logger)
    {
    }

    internal SqlSessionLimiter(SqlDatabase database, ILogger? logger)
    {
        _db = database;
        _logger = logger ?? NullLogger.Instance;
        string? configured = database.Options.InstanceId;
        InstanceId = string.IsNullOrEmpty(configured) ? Guid.NewGuid().ToString("N") : configured;
        var interval = database.Options.SessionLeaseRenewInterval;
        _renewal = database.Time.CreateTimer(_ => _ = RenewAsync(), null, interval, interval);
    }

    /// <summary>This instance's id in <c>session_leases.instance_id</c>.</summary>
    public string InstanceId { get; }

    /// <inheritdoc/>
    public async ValueTask<ISftpSessionLease?> TryAcquireAsync(string userName, int maxSessions, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(connectionId);
        long now = _db.Now;
        await _db.ExecuteAsync("DELETE FROM session_leases WHERE user_name = @user_name AND expires_at <= @now",
            cancellationToken, ("user_name", userName), ("now", now));
        string leaseId = Guid.NewGuid().ToString("N");
        string connection = connectionId.Length > 64 ? connectionId[..64] : connectionId;
        long expires = now + (long)_db.Options.SessionLeaseDuration.TotalMilliseconds;
        if (maxSessions <= 0)
        {
            await _db.ExecuteAsync(
                "INSERT INTO session_leases (lease_id, user_name, slot, instance_id, connection_id, expires_at, created_at) " +
                "VALUES (@lease_id, @user_name, NULL, @instance_id, @connection_id, @expires_at, @now)",
                cancellationToken, ("lease_id", leaseId), ("user_name", userName), ("instance_id", InstanceId),
                ("connection_id", connection), ("expires_at", expires), ("now", now));
            return Held(leaseId, userName, connectionId);
        }
        // The lowest free slot: 1, or one past a held slot, that is not held. The count guards a limit lowered
        // below the sessions already held (and unlimited sessions held before a limit was set).
        const string acquire =
            "INSERT INTO session_leases (lease_id, user_name, slot, instance_id, connection_id, expires_at, created_at) " +
            "SELECT @lease_id, @user_name, free.k, @instance_id, @connection_id, @expires_at, @now FROM (" +
            " SELECT MIN(c.k) AS k FROM (SELECT 1 AS k UNION ALL SELECT l.slot + 1 AS k FROM session_leases l WHERE l.user_name = @user_name AND l.slot IS NOT NULL) c" +
            " WHERE c.k <= @max AND NOT EXISTS (SELECT 1 FROM session_leases o WHERE o.user_name = @user_name AND o.slot = c.k)" +
            ") free WHERE free.k IS NOT NULL" +
            " AND (SELECT COUNT(*) FROM session_leases a WHERE a.user_name = @user_name AND a.expires_at > @now) < @max";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                int rows = await _db.ExecuteAsync(acquire, cancellationToken,
                    ("lease_id", leaseId), ("user_name", userName), ("instance_id", InstanceId), ("connection_id", connection),
                    ("expires_at", expires), ("now", now), ("max", maxSessions));
                if (rows > 0)
                {
                    return Held(leaseId, userName, connectionId);
                }
                Log.SessionLimitReached(_logger, userName, maxSessions);
                return null;
            }
            catch (Exception e) when (attempt < MaxAttempts && (_db.Dialect.IsUniqueViolation(e) || _db.Dialect.IsTransient(e)))
            {
                // Another instance took the same slot (or the engine broke a lock cycle): look again after a jittered,
                // exponentially growing pause (up to 320 ms), so racing instances fall out of step.
                await Task.Delay(Random.Shared.Next(1, 10 << Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<int> GetActiveSessionsAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, "SELECT COUNT(*) FROM session_leases WHERE user_name = @user_name AND expires_at > @now");
        SqlDatabase.AddParameter(command, "user_name", userName);
        SqlDatabase.AddParameter(command, "now", _db.Now);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Extends every lease this instance holds (the timer calls it; exposed for tests and shutdown hooks).</summary>
    internal async Task RenewAsync()
    {
        if (_held.IsEmpty || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }
        try
        {
            long now = _db.Now;
            await _db.ExecuteAsync("UPDATE session_leases SET expires_at = @expires_at WHERE instance_id = @instance_id",
                CancellationToken.None, ("expires_at", now + (long)_db.Options.SessionLeaseDuration.TotalMilliseconds), ("instance_id", InstanceId));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.LeaseRenewalFailed(_logger, InstanceId, e);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>Stops renewing; the leases stay until their connections release them or they expire.</summary>
    public ValueTask DisposeAsync() => _renewal.DisposeAsync();

    /// <summary>Stops renewing (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose() => _renewal.Dispose();

    private Lease Held(string leaseId, string userName, string connectionId)
    {
        _held[leaseId] = 0;
        return new Lease(this, leaseId, userName, connectionId);
    }

    private async ValueTask ReleaseAsync(Lease lease)
    {
        _held.TryRemove(lease.LeaseId, out _);
        try
        {
            await _db.ExecuteAsync("DELETE FROM session_leases WHERE lease_id = @lease_id", CancellationToken.None, ("lease_id", lease.LeaseId));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.LeaseReleaseFailed(_logger, lease.UserName, e);
        }
    }

    private sealed class Lease : ISftpSessionLease
    {
        private readonly SqlSessionLimiter _owner;
        private int _released;

        public Lease(SqlSessionLimiter owner, string leaseId, string userName, string connectionId)
        {
            _owner = owner;
            LeaseId = leaseId;
            UserName = userName;
            ConnectionId = connectionId;
        }

        public string LeaseId { get; }

        public string UserName { get; }

        public string ConnectionId { get; }

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _released, 1) == 0 ? _owner.ReleaseAsync(this) : ValueTask.CompletedTask;
    }
}
