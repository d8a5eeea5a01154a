using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Server;

/// <summary>
/// What a connection hands the ssh-userauth service it starts (RFC 4252): its transport, the session identifier and
/// host key of its first key exchange, how to describe one attempt, and the session gate a success must pass.
/// </summary>
/// <param name="Transport">The connection's packet layer, for the service's answers.</param>
/// <param name="SessionId">The exchange hash of the first key exchange (signed by public-key clients).</param>
/// <param name="HostKeyBlob">The host key of this connection (for publickey-hostbound).</param>
/// <param name="CreateContext">Describes one attempt: user name, method and the methods already passed.</param>
/// <param name="AdmitSession">The session gate before USERAUTH_SUCCESS; null when the host has none.</param>
/// <param name="FailedPasswordDelay">The pause after a failed password or keyboard-interactive attempt.</param>
/// <param name="Time">The clock of that pause.</param>
internal sealed record SshUserAuthStart(
    SshTransport Transport,
    Func<byte[]> SessionId,
    Func<byte[]?> HostKeyBlob,
    Func<string, string, IReadOnlyList<string>, SshAuthContext> CreateContext,
    Func<SshAuthContext, SshPrincipal, CancellationToken, ValueTask<bool>>? AdmitSession,
    TimeSpan FailedPasswordDelay,
    TimeProvider Time);

/// <summary>Handles one ssh-userauth message (50–79); returns the principal once the client has authenticated.</summary>
internal delegate ValueTask<SshPrincipal?> SshUserAuthHandler(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
