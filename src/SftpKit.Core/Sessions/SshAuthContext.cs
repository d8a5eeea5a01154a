using System.Net;

namespace SftpKit;

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
