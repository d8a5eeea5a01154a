namespace SftpKit.Ssh.Server;

/// <summary>A connection the watchdog looks after: it says when its deadline passed and how it ends.</summary>
internal interface IWatchedConnection
{
    /// <summary>Whether the connection's deadline (login grace or idle timeout) has passed at <paramref name="nowTicks"/> (<see cref="Environment.TickCount64"/>).</summary>
    bool IsExpired(long nowTicks);

    /// <summary>Ends the connection for its timeout; called once, off the timer's thread, after it left the watchdog.</summary>
    void Expire();
}

/// <summary>
/// One timer for every connection of the process instead of one per connection: every
/// <see cref="Period"/> (500 ms) it asks each registered connection whether its login grace time or idle timeout
/// has passed, and expires those that say so. Ten thousand idle sessions cost one timer and a scan of ten thousand
/// fields twice a second, not ten thousand timers waking twice a second each. The timer exists only while a
/// connection is registered.
/// </summary>
internal sealed class SshConnectionWatchdog
{
    /// <summary>How often deadlines are checked: a timeout fires at most this much late.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly HashSet<IWatchedConnection> _connections = new(ReferenceEqualityComparer.Instance);
    private ITimer? _timer;

    /// <summary>The process-wide instance every server's connections share.</summary>
    public static SshConnectionWatchdog Shared { get; } = new();

    /// <summary>Connections registered now (for tests).</summary>
    internal int Count
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    public void Add(IWatchedConnection connection)
    {
        lock (_connections)
        {
            _connections.Add(connection);
            if (_timer is null)
            {
                // The timer must not capture the first connection's execution context (its log scope).
                using (ExecutionContext.SuppressFlow())
                {
                    _timer = TimeProvider.System.CreateTimer(static s => ((SshConnectionWatchdog)s!).Tick(), this, Period, Period);
                }
            }
        }
    }

    public void Remove(IWatchedConnection connection)
    {
        lock (_connections)
        {
            if (_connections.Remove(connection) && _connections.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    private void Tick()
    {
        long now = Environment.TickCount64;
        List<IWatchedConnection>? expired = null;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                if (connection.IsExpired(now))
                {
                    (expired ??= []).Add(connection);
                }
            }
            if (expired is null)
            {
                return;
            }
            foreach (var connection in expired)
            {
                _connections.Remove(connection);
            }
            if (_connections.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
        foreach (var connection in expired)
        {
            connection.Expire();
        }
    }
}
