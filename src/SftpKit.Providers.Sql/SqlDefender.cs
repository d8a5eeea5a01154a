using SftpKit.Sessions;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.Networking;

namespace SftpKit.Providers.Sql;

/// <summary>
/// The defender (<see cref="ISftpDefender"/>) with scores and bans in the <c>defender_hosts</c> table, shared by every
/// instance on the database: a ban recorded by one refuses the host on all. Settings come from
/// <see cref="SftpDefenderOptions"/> (threshold, scores, ban time and increment, safe and block lists). Each event is
/// one atomic upsert; a host's scores add up over a window that opens at its first event and lasts
/// <see cref="SftpDefenderOptions.ObservationTime"/> (a fixed window per host, where the in-memory defender slides
/// one), and the ban is set by a conditional update, so two instances crossing the threshold at once ban once. Rows
/// with neither a live score nor a live ban are deleted at most once a minute; the table replaces the in-memory
/// entry limits (<see cref="SftpDefenderOptions.EntriesHardLimit"/> does not apply, and
/// <see cref="GetHostsAsync"/> returns at most 10,000 hosts). When the database cannot be reached, connections are
/// admitted (logins still need credentials) and the error is logged.
/// </summary>
public sealed class SqlDefender : ISftpDefender
{
    private const int MaxListedHosts = 10_000;
    private static readonly Meter s_fallbackMeter = new(SftpKitMeter.Name);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(1);

    private readonly SqlDatabase _db;
    private volatile SftpDefenderOptions _options;
    private volatile SftpNetworkList _safeList;
    private volatile SftpNetworkList _blockList;
    private readonly ILogger _logger;
    private readonly Counter<long> _bans;
    private long _nextCleanup;

    /// <summary>Creates a defender over its own connections.</summary>
    /// <param name="storeOptions">The database to use.</param>
    /// <param name="defenderOptions">Scores, threshold and ban times.</param>
    /// <param name="logger">Ban log lines; none when null.</param>
    /// <param name="time">The clock; defaults to the system clock.</param>
    /// <param name="meterFactory">
    /// Where the ban counter <c>sftpkit.defender.bans</c> on the meter <c>SftpKit</c> is made (the server's own meter
    /// when this is the host's factory); when null, one process-wide meter of that name.
    /// </param>
    public SqlDefender(SqlStoreOptions storeOptions, SftpDefenderOptions defenderOptions, ILogger<SqlDefender>? logger = null, TimeProvider? time = null, IMeterFactory? meterFactory = null)
        : this(new SqlDatabase(storeOptions, logger, time), defenderOptions, logger, meterFactory)
    {
    }

    internal SqlDefender(SqlDatabase database, SftpDefenderOptions options, ILogger? logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _db = database;
        _options = options;
        _safeList = SftpNetworkList.Parse(options.SafeList);
        _blockList = SftpNetworkList.Parse(options.BlockList);
        _logger = logger ?? NullLogger.Instance;
        // The same instrument as the in-memory defender's (SftpKit.Hosting.SftpMetrics): the host's meter factory
        // hands out one "SftpKit" meter, and that meter returns the existing counter of the same name.
        var meter = meterFactory?.Create(new MeterOptions(SftpKitMeter.Name)) ?? s_fallbackMeter;
        _bans = meter.CreateCounter<long>("sftpkit.defender.bans", "{ban}", "Hosts banned by the defender.");
    }

    /// <summary>
    /// A configuration reload: scores, ban times and the safe and block lists of <paramref name="options"/> apply from
    /// now on (existing scores and bans stay). Lists that do not parse change nothing.
    /// </summary>
    internal void Reconfigure(SftpDefenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var safe = SftpNetworkList.Parse(options.SafeList);
        var block = SftpNetworkList.Parse(options.BlockList);
        _safeList = safe;
        _blockList = block;
        _options = options;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> AdmitConnectionAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        if (_blockList.Contains(address))
        {
            return false;
        }
        if (!_options.Enabled)
        {
            return true;
        }
        try
        {
            long now = _db.Now;
            if (_options.BanTimeIncrement <= 0)
            {
                return !await IsBannedCoreAsync(address, now, cancellationToken);
            }
            var increment = _options.BanTime * _options.BanTimeIncrement / 100;
            if (increment < TimeSpan.FromMinutes(1))
            {
                increment = TimeSpan.FromMinutes(1);
            }
            // Checks and extends the ban in one statement: a banned host that keeps trying stays banned.
            int banned = await _db.ExecuteAsync(
                "UPDATE defender_hosts SET ban_until = ban_until + @increment, updated_at = @now WHERE ip = @ip AND ban_until > @now",
                cancellationToken, ("increment", (long)increment.TotalMilliseconds), ("now", now), ("ip", address.ToString()));
            return banned == 0;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            Log.DefenderFailed(_logger, address.ToString(), e);
            return true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask AddEventAsync(IPAddress address, SftpDefenderEvent kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        int score = kind switch
        {
            SftpDefenderEvent.UnknownUser => _options.ScoreUnknownUser,
            SftpDefenderEvent.LimitExceeded => _options.ScoreLimitExceeded,
            SftpDefenderEvent.HandshakeAbandoned => _options.ScoreHandshakeAbandoned,
            _ => _options.ScoreInvalidCredentials,
        };
        if (!_options.Enabled || score <= 0 || _safeList.Contains(address))
        {
            return;
        }
        long now = _db.Now;
        long windowStart = now - (long)_options.ObservationTime.TotalMilliseconds;
        string ip = address.ToString();
        // SET expressions read the old row on every engine: MySQL assigns left to right, so ban_until is set last.
        string upsert =
            "INSERT INTO defender_hosts (ip, score, window_start, ban_until, ban_count, updated_at) VALUES (@ip, @score, @now, NULL, 0, @now) " +
            _db.Dialect.UpsertClause("ip") +
            " score = CASE WHEN defender_hosts.ban_until > @now THEN defender_hosts.score" +
            "   WHEN defender_hosts.window_start <= @window_start OR defender_hosts.ban_until IS NOT NULL THEN @score" +
            "   ELSE defender_hosts.score + @score END," +
            " window_start = CASE WHEN defender_hosts.ban_until > @now THEN defender_hosts.window_start" +
            "   WHEN defender_hosts.window_start <= @window_start OR defender_hosts.ban_until IS NOT NULL THEN @now" +
            "   ELSE defender_hosts.window_start END," +
            " ban_until = CASE WHEN defender_hosts.ban_until > @now THEN defender_hosts.ban_until ELSE NULL END," +
            " updated_at = @now";
        await _db.ExecuteAsync(upsert, cancellationToken, ("ip", ip), ("score", score), ("now", now), ("window_start", windowStart));
        long until = now + (long)_options.BanTime.TotalMilliseconds;
        int banned = await _db.ExecuteAsync(
            "UPDATE defender_hosts SET ban_until = @until, ban_count = ban_count + 1, score = 0, updated_at = @now " +
            "WHERE ip = @ip AND score >= @threshold AND window_start > @window_start AND (ban_until IS NULL OR ban_until <= @now)",
            cancellationToken, ("until", until), ("now", now), ("ip", ip), ("threshold", _options.Threshold), ("window_start", windowStart));
        if (banned > 0)
        {
            _bans.Add(1);
            Log.HostBanned(_logger, ip, _options.Threshold, DateTimeOffset.FromUnixTimeMilliseconds(until));
        }
        await CleanupAsync(now, windowStart, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> IsBannedAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return await IsBannedCoreAsync(SftpNetwork.NormalizeAddress(address), _db.Now, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<SftpDefenderEntry?> GetHostAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        var entries = await QueryHostsAsync(" AND ip = @ip", SftpNetwork.NormalizeAddress(address).ToString(), cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SftpDefenderEntry>> GetHostsAsync(CancellationToken cancellationToken = default) =>
        await QueryHostsAsync(string.Empty, null, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask BanAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        string ip = SftpNetwork.NormalizeAddress(address).ToString();
        long now = _db.Now;
        long until = now + (long)duration.TotalMilliseconds;
        await _db.ExecuteAsync(
            "INSERT INTO defender_hosts (ip, score, window_start, ban_until, ban_count, updated_at) VALUES (@ip, 0, @now, @until, 1, @now) " +
            _db.Dialect.UpsertClause("ip") + " score = 0, ban_until = @until, ban_count = defender_hosts.ban_count + 1, updated_at = @now",
            cancellationToken, ("ip", ip), ("now", now), ("until", until));
        _bans.Add(1);
        Log.HostBanned(_logger, ip, 0, DateTimeOffset.FromUnixTimeMilliseconds(until));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UnbanAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        string ip = SftpNetwork.NormalizeAddress(address).ToString();
        long now = _db.Now;
        long windowStart = now - (long)_options.ObservationTime.TotalMilliseconds;
        int live = await _db.ExecuteAsync(
            "DELETE FROM defender_hosts WHERE ip = @ip AND (ban_until > @now OR (score > 0 AND window_start > @window_start))",
            cancellationToken, ("ip", ip), ("now", now), ("window_start", windowStart));
        await _db.ExecuteAsync("DELETE FROM defender_hosts WHERE ip = @ip", cancellationToken, ("ip", ip));
        if (live > 0)
        {
            Log.HostUnbanned(_logger, ip);
        }
        return live > 0;
    }

    private async ValueTask<bool> IsBannedCoreAsync(IPAddress address, long now, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, "SELECT 1 FROM defender_hosts WHERE ip = @ip AND ban_until > @now");
        SqlDatabase.AddParameter(command, "ip", address.ToString());
        SqlDatabase.AddParameter(command, "now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is not (null or DBNull);
    }

    private async ValueTask<List<SftpDefenderEntry>> QueryHostsAsync(string filter, string? ip, CancellationToken cancellationToken)
    {
        long now = _db.Now;
        long windowStart = now - (long)_options.ObservationTime.TotalMilliseconds;
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "SELECT ip, score, ban_until FROM defender_hosts WHERE (ban_until > @now OR (score > 0 AND window_start > @window_start))" +
            filter + $" ORDER BY ip LIMIT {MaxListedHosts}");
        SqlDatabase.AddParameter(command, "now", now);
        SqlDatabase.AddParameter(command, "window_start", windowStart);
        if (ip is not null)
        {
            SqlDatabase.AddParameter(command, "ip", ip);
        }
        var entries = new List<SftpDefenderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var address = IPAddress.Parse(reader.GetString(0));
            long? banUntil = reader.IsDBNull(2) ? null : Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            entries.Add(banUntil is { } until && until > now
                ? new SftpDefenderEntry(address, 0, DateTimeOffset.FromUnixTimeMilliseconds(until))
                : new SftpDefenderEntry(address, Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), null));
        }
        return entries;
    }

    private async ValueTask CleanupAsync(long now, long windowStart, CancellationToken cancellationToken)
    {
        long due = Interlocked.Read(ref _nextCleanup);
        if (now < due || Interlocked.CompareExchange(ref _nextCleanup, now + (long)CleanupInterval.TotalMilliseconds, due) != due)
        {
            return;
        }
        await _db.ExecuteAsync(
            "DELETE FROM defender_hosts WHERE (ban_until IS NULL OR ban_until <= @now) AND window_start <= @window_start",
            cancellationToken, ("now", now), ("window_start", windowStart));
    }
}
