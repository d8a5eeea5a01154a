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

/// <summary>The outcome of one authentication attempt.</summary>
public sealed class SshAuthResult
{
    private SshAuthResult(SshPrincipal? principal) => Principal = principal;

    /// <summary>The authenticated principal; null for a failure.</summary>
    public SshPrincipal? Principal { get; }

    /// <summary>True when the attempt succeeded.</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>A failed attempt.</summary>
    public static SshAuthResult Failed { get; } = new(null);

    /// <summary>A successful attempt that logs <paramref name="principal"/> in.</summary>
    public static SshAuthResult Success(SshPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new SshAuthResult(principal);
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

    /// <summary>Free-form values the authenticator attaches for handlers (e.g. the account record).</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
