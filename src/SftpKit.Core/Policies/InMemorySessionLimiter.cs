namespace SftpKit.Policies;

/// <summary>The default <see cref="ISftpSessionLimiter"/>: counts per account under one lock, in this process only.</summary>
internal sealed class InMemorySessionLimiter : ISftpSessionLimiter
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _sessions = new(StringComparer.Ordinal);

    public ValueTask<ISftpSessionLease?> TryAcquireAsync(string userName, int maxSessions, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_lock)
        {
            int held = _sessions.GetValueOrDefault(userName);
            if (maxSessions > 0 && held >= maxSessions)
            {
                return ValueTask.FromResult<ISftpSessionLease?>(null);
            }
            _sessions[userName] = held + 1;
        }
        return ValueTask.FromResult<ISftpSessionLease?>(new Lease(this, userName, connectionId));
    }

    public ValueTask<int> GetActiveSessionsAsync(string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        lock (_lock)
        {
            return ValueTask.FromResult(_sessions.GetValueOrDefault(userName));
        }
    }

    private void Release(string userName)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(userName, out int held) && held > 1)
            {
                _sessions[userName] = held - 1;
            }
            else
            {
                _sessions.Remove(userName);
            }
        }
    }

    private sealed class Lease : ISftpSessionLease
    {
        private readonly InMemorySessionLimiter _owner;
        private int _released;

        public Lease(InMemorySessionLimiter owner, string userName, string connectionId)
        {
            _owner = owner;
            UserName = userName;
            ConnectionId = connectionId;
        }

        public string UserName { get; }

        public string ConnectionId { get; }

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Release(UserName);
            }
            return ValueTask.CompletedTask;
        }
    }
}
