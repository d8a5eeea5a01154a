namespace SftpKit;

/// <summary>The authenticated user of a connection, handed to every channel handler.</summary>
public sealed class SshPrincipal
{
    /// <summary>Creates a principal.</summary>
    public SshPrincipal(string userName, string? homeDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        UserName = userName;
        HomeDirectory = homeDirectory;
    }

    /// <summary>The user name.</summary>
    public string UserName { get; }

    /// <summary>The user's home (root) directory, when the store has one.</summary>
    public string? HomeDirectory { get; }

    /// <summary>
    /// Sessions (authenticated connections) the account may hold at once, enforced by <see cref="ISftpSessionLimiter"/>
    /// before the login completes; 0 means unlimited. Defaults to 0.
    /// </summary>
    public int MaxSessions { get => _maxSessions; init => _maxSessions = value; }

    private int _maxSessions;

    /// <summary>Sets <see cref="MaxSessions"/> from the login's effective account (its groups may give the limit).</summary>
    internal void LimitSessions(int maxSessions) => _maxSessions = maxSessions;

    /// <summary>Free-form values the authenticator attaches for its own handlers. SftpKit itself reads typed features
    /// (<see cref="GetFeature{T}"/>), never this dictionary.</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    private readonly Dictionary<Type, object> _features = [];

    /// <summary>
    /// The feature of type <typeparamref name="T"/> an authenticator attached, or null. The session pipeline reads
    /// <c>SftpAccount</c> (the account whose storage, folders, permissions, quotas and limits the session runs under)
    /// and <c>IVirtualFileSystem</c> (the storage to use instead of the home directory).
    /// </summary>
    public T? GetFeature<T>() where T : class
    {
        lock (_features)
        {
            return _features.TryGetValue(typeof(T), out var value) ? (T)value : null;
        }
    }

    /// <summary>Attaches <paramref name="feature"/> as the feature of type <typeparamref name="T"/> (null removes it).</summary>
    public SshPrincipal SetFeature<T>(T? feature) where T : class
    {
        lock (_features)
        {
            if (feature is null)
            {
                _features.Remove(typeof(T));
            }
            else
            {
                _features[typeof(T)] = feature;
            }
        }
        return this;
    }

    /// <summary>The feature of type <typeparamref name="T"/>, created once by <paramref name="create"/> (per-connection state).</summary>
    internal T GetOrAddFeature<T>(Func<T> create) where T : class
    {
        lock (_features)
        {
            if (!_features.TryGetValue(typeof(T), out var value))
            {
                value = create();
                _features[typeof(T)] = value;
            }
            return (T)value;
        }
    }
}
