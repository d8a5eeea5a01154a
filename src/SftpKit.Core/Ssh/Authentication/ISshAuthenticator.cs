using System.Net;

namespace SftpKit;

/// <summary>
/// Decides user authentication attempts (RFC 4252). The server has already verified any public-key signature, so
/// implementations only decide whether the key, password or answers are acceptable for the user. The client always
/// receives one generic failure answer; put the detail in the log.
/// </summary>
public interface ISshAuthenticator
{
    /// <summary>Decides a password attempt (also used for the password prompt of keyboard-interactive).</summary>
    ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken);

    /// <summary>
    /// Decides whether <paramref name="key"/> may log in as the user. Called for the unsigned query (to answer PK_OK)
    /// and again after the signature has been verified; only the second call's success logs the user in.
    /// </summary>
    ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken);
}

/// <summary>What the server knows about the client when it asks for an authentication decision.</summary>
public sealed class SshAuthContext
{
    /// <summary>Creates a context for a first authentication step with an unnamed method.</summary>
    public SshAuthContext(string userName, EndPoint? remoteEndPoint, string clientVersion, string connectionId)
        : this(userName, remoteEndPoint, clientVersion, connectionId, string.Empty, [])
    {
    }

    /// <summary>Creates a context.</summary>
    /// <param name="userName">The user name the client asked for.</param>
    /// <param name="remoteEndPoint">The client's address, when known.</param>
    /// <param name="clientVersion">The client's identification string.</param>
    /// <param name="connectionId">The server-assigned id of the connection.</param>
    /// <param name="method">The method of this attempt: <c>publickey</c>, <c>password</c> or <c>keyboard-interactive</c>.</param>
    /// <param name="passedMethods">Methods that already passed in this login (see <see cref="SshAuthResult.Continue"/>).</param>
    public SshAuthContext(string userName, EndPoint? remoteEndPoint, string clientVersion, string connectionId, string method,
        IReadOnlyList<string> passedMethods)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(passedMethods);
        UserName = userName;
        RemoteEndPoint = remoteEndPoint;
        ClientVersion = clientVersion;
        ConnectionId = connectionId;
        Method = method;
        PassedMethods = passedMethods;
    }

    /// <summary>The user name the client asked for.</summary>
    public string UserName { get; }

    /// <summary>The client's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The client's identification string, e.g. <c>SSH-2.0-OpenSSH_9.2p1</c>.</summary>
    public string ClientVersion { get; }

    /// <summary>The server-assigned id of the connection.</summary>
    public string ConnectionId { get; }

    /// <summary>
    /// The method of this attempt: <c>publickey</c> (also for publickey-hostbound and certificates), <c>password</c>
    /// or <c>keyboard-interactive</c>; empty when the context was made without one.
    /// </summary>
    public string Method { get; }

    /// <summary>
    /// The methods that already passed in this login, in order, each one answered with
    /// <see cref="SshAuthResult.Continue"/>. Empty for the first step.
    /// </summary>
    public IReadOnlyList<string> PassedMethods { get; }
}

/// <summary>Why an authentication attempt failed; logged and scored by the defender, never sent to the client.</summary>
public enum SshAuthFailureReason
{
    /// <summary>Not a failure.</summary>
    None = 0,

    /// <summary>A known user with a wrong password, key or answer (defender score 1 by default).</summary>
    InvalidCredentials,

    /// <summary>The user does not exist (defender score 2 by default).</summary>
    UnknownUser,

    /// <summary>The account exists but may not log in now: disabled, expired, source address or method denied.</summary>
    AccessDenied,

    /// <summary>A limit was hit, e.g. the account's maximum sessions (defender score 3 by default).</summary>
    LimitReached,
}

/// <summary>
/// The outcome of one authentication attempt: success (logs the user in), partial success
/// (<see cref="Continue"/>: this step passed, another method must follow) or failure.
/// </summary>
public sealed class SshAuthResult
{
    /// <summary>The method names a login step may require next.</summary>
    internal static readonly string[] KnownMethods = ["publickey", "password", "keyboard-interactive"];

    private static readonly SshAuthResult s_invalid = new(null, SshAuthFailureReason.InvalidCredentials, []);
    private static readonly SshAuthResult s_unknown = new(null, SshAuthFailureReason.UnknownUser, []);
    private static readonly SshAuthResult s_denied = new(null, SshAuthFailureReason.AccessDenied, []);
    private static readonly SshAuthResult s_limit = new(null, SshAuthFailureReason.LimitReached, []);

    private SshAuthResult(SshPrincipal? principal, SshAuthFailureReason reason, IReadOnlyList<string> nextMethods)
    {
        Principal = principal;
        FailureReason = reason;
        NextMethods = nextMethods;
    }

    /// <summary>The authenticated principal; null for a failure or a partial success.</summary>
    public SshPrincipal? Principal { get; }

    /// <summary>True when the attempt succeeded and the user is logged in.</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>True when this step passed but the login needs one of <see cref="NextMethods"/> too.</summary>
    public bool IsPartialSuccess => NextMethods.Count > 0;

    /// <summary>The methods the client may use for the next step of a partial success; empty otherwise.</summary>
    public IReadOnlyList<string> NextMethods { get; }

    /// <summary>Why the attempt failed; <see cref="SshAuthFailureReason.None"/> on success or partial success.</summary>
    public SshAuthFailureReason FailureReason { get; }

    /// <summary>A failed attempt with wrong credentials.</summary>
    public static SshAuthResult Failed => s_invalid;

    /// <summary>A failed attempt for the given reason.</summary>
    public static SshAuthResult Fail(SshAuthFailureReason reason) => reason switch
    {
        SshAuthFailureReason.UnknownUser => s_unknown,
        SshAuthFailureReason.AccessDenied => s_denied,
        SshAuthFailureReason.LimitReached => s_limit,
        _ => s_invalid,
    };

    /// <summary>A successful attempt that logs <paramref name="principal"/> in.</summary>
    public static SshAuthResult Success(SshPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new SshAuthResult(principal, SshAuthFailureReason.None, []);
    }

    /// <summary>
    /// A partial success (RFC 4252 §5.1): this step passed, and the user must still pass one of
    /// <paramref name="nextMethods"/>. The client receives USERAUTH_FAILURE with partial success true and exactly these
    /// methods; attempts with other methods fail without asking the authenticator, and
    /// <see cref="SshAuthContext.PassedMethods"/> lists the steps passed so far. The login ends when a step returns
    /// <see cref="Success"/>. A login may pass at most 8 steps (further partial successes are failures).
    /// </summary>
    /// <param name="nextMethods">One or more of <c>publickey</c>, <c>password</c>, <c>keyboard-interactive</c>.</param>
    /// <exception cref="ArgumentException">The list is empty or names another method.</exception>
    public static SshAuthResult Continue(params string[] nextMethods)
    {
        ArgumentNullException.ThrowIfNull(nextMethods);
        if (nextMethods.Length == 0 || nextMethods.Any(m => !KnownMethods.Contains(m)))
        {
            throw new ArgumentException("Name one or more of publickey, password, keyboard-interactive.", nameof(nextMethods));
        }
        return new SshAuthResult(null, SshAuthFailureReason.None, nextMethods.Distinct(StringComparer.Ordinal).ToArray());
    }
}

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
    public int MaxSessions { get; init; }

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

/// <summary>
/// Observes every authentication outcome (register any number in DI as <c>ISshAuthenticationObserver</c>). Called on
/// the connection's own loop, so implementations must be fast; hand slow work to a queue. Exceptions are logged and
/// swallowed. The <c>none</c> method and partial successes of a multi-step login are not reported.
/// </summary>
public interface ISshAuthenticationObserver
{
    /// <summary>A user logged in with <paramref name="method"/> (the final method of a multi-step login).</summary>
    void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal);

    /// <summary>An attempt with <paramref name="method"/> failed for <paramref name="reason"/>.</summary>
    void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason);
}
