using SftpKit.Sessions;

namespace SftpKit.Ssh.Server;

/// <summary>
/// What the host lends each connection around authentication: the session limiter consulted before
/// USERAUTH_SUCCESS, the metrics of sessions, and the clock of the failed-password pause. The host implements it.
/// </summary>
internal interface ISshConnectionPolicies
{
    ISftpSessionLimiter SessionLimiter { get; }

    SftpMetrics Metrics { get; }

    TimeProvider Time { get; }
}
