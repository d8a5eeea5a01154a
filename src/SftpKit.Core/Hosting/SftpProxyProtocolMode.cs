namespace SftpKit;

/// <summary>
/// Whether a listener reads HAProxy PROXY protocol headers (v1 text or v2 binary) from load balancers
/// (<see cref="SshEndpoint.ProxyProtocol"/>). Headers are only ever taken from peers in
/// <see cref="SftpServerOptions.TrustedProxies"/>.
/// </summary>
public enum SftpProxyProtocolMode
{
    /// <summary>No header is read; every connection is a direct client. The default.</summary>
    Off = 0,

    /// <summary>
    /// A trusted peer may send a header and then is served as the client the header names; a trusted peer that
    /// sends no header (its first byte starts none, or it stays silent for
    /// <see cref="SftpServerLimits.ProxyHeaderTimeout"/>) is a direct client. Untrusted peers are direct clients;
    /// one that sends a header fails the SSH version exchange and is disconnected.
    /// </summary>
    Optional = 1,

    /// <summary>
    /// The listener serves load balancers only: a trusted peer must send a header, and connections from untrusted
    /// peers are closed at accept, before the server's banner.
    /// </summary>
    Required = 2,
}
