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
    /// <summary>Creates a context.</summary>
    public SshAuthContext(string userName, EndPoint? remoteEndPoint, string clientVersion, string connectionId)
    {
        UserName = userName;
        RemoteEndPoint = remoteEndPoint;
        ClientVersion = clientVersion;
        ConnectionId = connectionId;
    }

    /// <summary>The user name the client asked for.</summary>
    public string UserName { get; }

    /// <summary>The client's address, when known.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The client's identification string, e.g. <c>SSH-2.0-OpenSSH_9.2p1</c>.</summary>
    public string ClientVersion { get; }

    /// <summary>The server-assigned id of the connection.</summary>
    public string ConnectionId { get; }
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

/// <summary>The outcome of one authentication attempt.</summary>
public sealed class SshAuthResult
{
    private static readonly SshAuthResult s_invalid = new(null, SshAuthFailureReason.InvalidCredentials);
    private static readonly SshAuthResult s_unknown = new(null, SshAuthFailureReason.UnknownUser);
    private static readonly SshAuthResult s_denied = new(null, SshAuthFailureReason.AccessDenied);
    private static readonly SshAuthResult s_limit = new(null, SshAuthFailureReason.LimitReached);

    private SshAuthResult(SshPrincipal? principal, SshAuthFailureReason reason)
    {
        Principal = principal;
        FailureReason = reason;
    }

    /// <summary>The authenticated principal; null for a failure.</summary>
    public SshPrincipal? Principal { get; }

    /// <summary>True when the attempt succeeded.</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>Why the attempt failed; <see cref="SshAuthFailureReason.None"/> on success.</summary>
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
        return new SshAuthResult(principal, SshAuthFailureReason.None);
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

    /// <summary>Free-form values the authenticator attaches for handlers (e.g. the account record).</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}

/// <summary>
/// Observes every authentication outcome (register any number in DI). Called on the connection's own loop, so
/// implementations must be fast and must not throw; hand slow work to a queue.
/// </summary>
public interface ISshAuthenticationObserver
{
    /// <summary>A user logged in with <paramref name="method"/> (the final method of a multi-step login).</summary>
    void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal);

    /// <summary>An attempt with <paramref name="method"/> failed for <paramref name="reason"/>.</summary>
    void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason);
}
