using SftpKit.Sessions;
using System.Net;
using Microsoft.Extensions.Logging;
using SftpKit.Networking;

namespace SftpKit.Policies;

/// <summary>
/// The default <see cref="ISftpDefender"/>: scores and bans in two maps under one lock, each bounded by
/// <see cref="SftpDefenderOptions.EntriesHardLimit"/>. A host keeps at most one event per score point of the
/// threshold (it is banned, and its events dropped, once they add up), so memory per host is bounded too.
/// </summary>
internal sealed class InMemoryDefender : ISftpDefender
{
    private volatile SftpDefenderOptions _options;
    private volatile SftpNetworkList _safeList;
    private volatile SftpNetworkList _blockList;
    private readonly TimeProvider _time;
    private readonly SftpMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, HostScore> _hosts = new();
    private readonly Dictionary<IPAddress, DateTimeOffset> _bans = new();
    private readonly Action<IPAddress, DateTimeOffset>? _onBanned;

    // onBanned: called after each ban, outside the lock (the host raises an IpBlocked event from it).
    public InMemoryDefender(SftpDefenderOptions options, TimeProvider time, SftpMetrics metrics, ILogger<InMemoryDefender> logger,
        Action<IPAddress, DateTimeOffset>? onBanned = null)
    {
        _onBanned = onBanned;
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _safeList = SftpNetworkList.Parse(_options.SafeList);
        _blockList = SftpNetworkList.Parse(_options.BlockList);
        _time = time;
        _metrics = metrics;
        _logger = logger;
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

    public ValueTask<bool> AdmitConnectionAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        if (_blockList.Contains(address))
        {
            return ValueTask.FromResult(false);
        }
        if (!_options.Enabled)
        {
            return ValueTask.FromResult(true);
        }
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (!_bans.TryGetValue(address, out var until))
            {
                return ValueTask.FromResult(true);
            }
            if (until <= now)
            {
                _bans.Remove(address);
                return ValueTask.FromResult(true);
            }
            var increment = _options.BanTime * _options.BanTimeIncrement / 100;
            if (_options.BanTimeIncrement > 0 && increment < TimeSpan.FromMinutes(1))
            {
                increment = TimeSpan.FromMinutes(1);
            }
            _bans[address] = until + increment;
            return ValueTask.FromResult(false);
        }
    }

    public ValueTask AddEventAsync(IPAddress address, SftpDefenderEvent kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        AddEvent(SftpNetwork.NormalizeAddress(address), kind);
        return ValueTask.CompletedTask;
    }

    private void AddEvent(IPAddress address, SftpDefenderEvent kind)
    {
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
        var now = _time.GetUtcNow();
        DateTimeOffset? bannedUntil = null;
        int total;
        lock (_lock)
        {
            if (_bans.TryGetValue(address, out var until))
            {
                if (until > now)
                {
                    return; // A banned host has no score; its attempts only extend the ban at accept.
                }
                _bans.Remove(address);
            }
            if (!_hosts.TryGetValue(address, out var host))
            {
                host = new HostScore();
                _hosts[address] = host;
            }
            host.Events.Enqueue((now, score));
            host.LastEvent = now;
            total = host.Total(now - _options.ObservationTime);
            if (total >= _options.Threshold)
            {
                _hosts.Remove(address);
                bannedUntil = now + _options.BanTime;
                _bans[address] = bannedUntil.Value;
                TrimBans(now);
            }
            else
            {
                TrimHosts();
            }
        }
        if (bannedUntil is { } end)
        {
            _metrics.HostBanned();
            PoliciesLog.HostBanned(_logger, address.ToString(), total, end);
            _onBanned?.Invoke(address, end);
        }
    }

    public ValueTask<bool> IsBannedAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return ValueTask.FromResult(_bans.TryGetValue(address, out var until) && until > now);
        }
    }

    public ValueTask<SftpDefenderEntry?> GetHostAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return ValueTask.FromResult(Entry(address, now));
        }
    }

    public ValueTask<IReadOnlyList<SftpDefenderEntry>> GetHostsAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var list = _bans.Keys.Concat(_hosts.Keys).Distinct()
                .Select(a => Entry(a, now))
                .OfType<SftpDefenderEntry>()
                .ToList();
            return ValueTask.FromResult<IReadOnlyList<SftpDefenderEntry>>(list);
        }
    }

    public ValueTask BanAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        address = SftpNetwork.NormalizeAddress(address);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _hosts.Remove(address);
            _bans[address] = now + duration;
            TrimBans(now);
        }
        _metrics.HostBanned();
        PoliciesLog.HostBanned(_logger, address.ToString(), 0, now + duration);
        _onBanned?.Invoke(address, now + duration);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> UnbanAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = SftpNetwork.NormalizeAddress(address);
        bool removed;
        lock (_lock)
        {
            removed = _bans.Remove(address) | _hosts.Remove(address);
        }
        if (removed)
        {
            PoliciesLog.HostUnbanned(_logger, address.ToString());
        }
        return ValueTask.FromResult(removed);
    }

    private SftpDefenderEntry? Entry(IPAddress address, DateTimeOffset now)
    {
        if (_bans.TryGetValue(address, out var until) && until > now)
        {
            return new SftpDefenderEntry(address, 0, until);
        }
        int score = _hosts.TryGetValue(address, out var host) ? host.Total(now - _options.ObservationTime) : 0;
        return score > 0 ? new SftpDefenderEntry(address, score, null) : null;
    }

    private void TrimHosts()
    {
        if (_hosts.Count <= _options.EntriesHardLimit)
        {
            return;
        }
        foreach (var address in _hosts.OrderBy(h => h.Value.LastEvent).Take(_hosts.Count - _options.EntriesSoftLimit).Select(h => h.Key).ToList())
        {
            _hosts.Remove(address);
        }
    }

    private void TrimBans(DateTimeOffset now)
    {
        if (_bans.Count <= _options.EntriesHardLimit)
        {
            return;
        }
        foreach (var expired in _bans.Where(b => b.Value <= now).Select(b => b.Key).ToList())
        {
            _bans.Remove(expired);
        }
        foreach (var address in _bans.OrderBy(b => b.Value).Take(_bans.Count - _options.EntriesSoftLimit).Select(b => b.Key).ToList())
        {
            _bans.Remove(address);
        }
    }

    private sealed class HostScore
    {
        public Queue<(DateTimeOffset At, int Score)> Events { get; } = new();

        public DateTimeOffset LastEvent { get; set; }

        /// <summary>Drops events older than <paramref name="windowStart"/> and sums the rest.</summary>
        public int Total(DateTimeOffset windowStart)
        {
            while (Events.Count > 0 && Events.Peek().At <= windowStart)
            {
                Events.Dequeue();
            }
            int total = 0;
            foreach (var (_, score) in Events)
            {
                total += score;
            }
            return total;
        }
    }
}
