using System.Globalization;
using System.Net;

namespace SftpKit.Hosting;

/// <summary>
/// OpenSSH's MaxStartups for connections that have not authenticated yet (<see cref="SftpServerLimits.MaxUnauthenticatedConnections"/>,
/// "start:rate:full"): below <c>start</c> every connection is admitted; from <c>start</c> a new one is dropped with
/// probability <c>rate</c>%, rising linearly to 100% at <c>full</c>. Unlike sshd, a connection from a host that has
/// no unauthenticated connection yet is never the one dropped: the oldest unauthenticated connection of the host
/// holding the most is closed in its place, so a flood from a few addresses cannot lock out everyone else.
/// </summary>
internal sealed class UnauthenticatedConnectionGate
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _perHost = [];
    private readonly int _start;
    private readonly int _rate;
    private readonly int _full;
    private long _order;

    public UnauthenticatedConnectionGate(MaxStartups spec)
    {
        _start = spec.Start;
        _rate = spec.Rate;
        _full = spec.Full;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Decides on a new connection. Returns false to drop it; true to admit it, with <paramref name="evict"/> set
    /// when an older unauthenticated connection must be closed to make room.
    /// </summary>
    public bool TryEnter(string id, IPAddress? host, Action<string> close, out Action<string>? evict)
    {
        evict = null;
        lock (_lock)
        {
            if (ShouldDrop(_entries.Count))
            {
                if (host is null || _perHost.ContainsKey(host) || FindVictim() is not { } victim)
                {
                    return false;
                }
                Remove(victim.Id);
                evict = victim.Close;
            }
            _entries[id] = new Entry(id, host, close, ++_order);
            if (host is not null)
            {
                _perHost[host] = _perHost.GetValueOrDefault(host) + 1;
            }
            return true;
        }
    }

    /// <summary>The connection authenticated or ended: it no longer counts.</summary>
    public void Leave(string id)
    {
        lock (_lock)
        {
            Remove(id);
        }
    }

    private bool ShouldDrop(int count)
    {
        if (count < _start)
        {
            return false;
        }
        if (count >= _full)
        {
            return true;
        }
        // sshd.c should_drop_connection: p = rate + (100 - rate) * (count - start) / (full - start).
        int p = _rate + ((100 - _rate) * (count - _start) / Math.Max(1, _full - _start));
        return Random.Shared.Next(100) < p;
    }

    /// <summary>The oldest unauthenticated connection of the host that holds the most of them.</summary>
    private Entry? FindVictim()
    {
        Entry? victim = null;
        int most = 0;
        foreach (var entry in _entries.Values)
        {
            int held = entry.Host is null ? 1 : _perHost[entry.Host];
            if (held > most || (held == most && victim is not null && entry.Order < victim.Order))
            {
                victim = entry;
                most = held;
            }
        }
        return victim;
    }

    private void Remove(string id)
    {
        if (!_entries.Remove(id, out var entry) || entry.Host is null)
        {
            return;
        }
        int left = _perHost[entry.Host] - 1;
        if (left == 0)
        {
            _perHost.Remove(entry.Host);
        }
        else
        {
            _perHost[entry.Host] = left;
        }
    }

    private sealed record Entry(string Id, IPAddress? Host, Action<string> Close, long Order);
}

/// <summary>A parsed "start:rate:full" triple (or a single number: a hard cap).</summary>
internal readonly record struct MaxStartups(int Start, int Rate, int Full)
{
    public static bool TryParse(string? text, out MaxStartups value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        string[] parts = text.Split(':');
        var numbers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return false;
            }
        }
        value = parts.Length switch
        {
            1 => new MaxStartups(numbers[0], 100, numbers[0]),
            3 => new MaxStartups(numbers[0], numbers[1], numbers[2]),
            _ => default,
        };
        return parts.Length is 1 or 3 && value.Start >= 1 && value.Rate is >= 0 and <= 100 && value.Full >= value.Start;
    }
}
