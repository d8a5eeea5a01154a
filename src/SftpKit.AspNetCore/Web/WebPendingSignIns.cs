using System.Security.Cryptography;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// Sign-ins whose password was right and which wait for the one-time code: a random ticket (sent in the code form)
/// to what the sign-in will open. A ticket lives <see cref="Lifetime"/>, allows <see cref="MaxAttempts"/> codes and is
/// used once; at most <see cref="MaxPending"/> wait at once (the oldest are dropped first).
/// </summary>
internal sealed class WebPendingSignIns
{
    /// <summary>How long a ticket waits for its code: 5 minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Codes one ticket may try: 3.</summary>
    public const int MaxAttempts = 3;

    /// <summary>Most tickets at once: 10,000.</summary>
    public const int MaxPending = 10_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public WebPendingSignIns(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>Starts a wait; returns its ticket.</summary>
    public string Add(string area, string userName, object state)
    {
        string ticket = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count >= MaxPending)
            {
                foreach (var key in _entries.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList())
                {
                    _entries.Remove(key);
                }
                if (_entries.Count >= MaxPending)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.Until).Key);
                }
            }
            _entries[ticket] = new Entry(area, userName, state, now + Lifetime);
        }
        return ticket;
    }

    /// <summary>The waiting sign-in of <paramref name="ticket"/> in <paramref name="area"/>, or null when unknown or expired.</summary>
    public (string UserName, object State)? Find(string? ticket, string area)
    {
        if (ticket is null)
        {
            return null;
        }
        lock (_lock)
        {
            if (!_entries.TryGetValue(ticket, out var entry) || entry.Area != area)
            {
                return null;
            }
            if (entry.Until <= _time.GetUtcNow())
            {
                _entries.Remove(ticket);
                return null;
            }
            return (entry.UserName, entry.State);
        }
    }

    /// <summary>Ends the wait (the code was right).</summary>
    public void Remove(string ticket)
    {
        lock (_lock)
        {
            _entries.Remove(ticket);
        }
    }

    /// <summary>Counts a wrong code; false when the ticket is now spent.</summary>
    public bool Failed(string ticket)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(ticket, out var entry))
            {
                return false;
            }
            entry.Attempts++;
            if (entry.Attempts >= MaxAttempts)
            {
                _entries.Remove(ticket);
                return false;
            }
            return true;
        }
    }

    private sealed class Entry(string area, string userName, object state, DateTimeOffset until)
    {
        public string Area { get; } = area;

        public string UserName { get; } = userName;

        public object State { get; } = state;

        public DateTimeOffset Until { get; } = until;

        public int Attempts { get; set; }
    }
}
