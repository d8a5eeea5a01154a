using System.Net;

namespace SftpKit.Hosting;

/// <summary>Why a connection was refused at accept.</summary>
internal enum ConnectionRefusal
{
    None,
    ServerFull,
    HostFull,
}

/// <summary>
/// The default <see cref="ISftpConnectionRegistry"/>. Admission checks the overall and per-host caps and counts the
/// connection under one lock, so concurrent accepts on several listeners never overshoot either cap.
/// </summary>
internal sealed class SftpConnectionRegistry : ISftpConnectionRegistry
{
    internal const string CloseDescription = "Closed by the server administrator.";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SftpConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, int> _perHost = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    public IReadOnlyList<SftpConnection> GetConnections()
    {
        lock (_lock)
        {
            return _connections.Values.OrderBy(c => c.StartedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        }
    }

    public SftpConnection? Find(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        lock (_lock)
        {
            return _connections.GetValueOrDefault(connectionId);
        }
    }

    public async Task<bool> CloseAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        if (Find(connectionId) is not { } connection || !connection.RequestClose(CloseDescription))
        {
            return false;
        }
        await connection.Ended.WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Adds the connection unless a cap is reached; a zero or negative cap means unlimited.</summary>
    public ConnectionRefusal TryAdd(SftpConnection connection, int maxConnections, int maxPerHost)
    {
        var address = connection.RemoteAddress;
        lock (_lock)
        {
            if (maxConnections > 0 && _connections.Count >= maxConnections)
            {
                return ConnectionRefusal.ServerFull;
            }
            int fromHost = address is null ? 0 : _perHost.GetValueOrDefault(address);
            if (maxPerHost > 0 && address is not null && fromHost >= maxPerHost)
            {
                return ConnectionRefusal.HostFull;
            }
            _connections.Add(connection.Id, connection);
            if (address is not null)
            {
                _perHost[address] = fromHost + 1;
            }
            return ConnectionRefusal.None;
        }
    }

    public void Remove(SftpConnection connection)
    {
        var address = connection.RemoteAddress;
        lock (_lock)
        {
            if (!_connections.Remove(connection.Id) || address is null)
            {
                return;
            }
            if (_perHost.TryGetValue(address, out int count) && count > 1)
            {
                _perHost[address] = count - 1;
            }
            else
            {
                _perHost.Remove(address);
            }
        }
    }
}
