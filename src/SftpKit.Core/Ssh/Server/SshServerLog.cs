using Microsoft.Extensions.Logging;

namespace SftpKit.Ssh.Server;

/// <summary>Log events of one connection's life: version exchange, key exchanges, its end, and the session gate.</summary>
internal static partial class SshServerLog
{
    [LoggerMessage(1002, LogLevel.Debug, "Connection {ConnectionId} closed", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);

    [LoggerMessage(1003, LogLevel.Information, "Connection {ConnectionId} ended by protocol error ({Reason}): {Detail}", EventName = "ProtocolError")]
    public static partial void ProtocolError(ILogger logger, string connectionId, SshDisconnectReason reason, string detail);

    [LoggerMessage(1004, LogLevel.Warning, "Connection {ConnectionId} failed unexpectedly", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(1006, LogLevel.Information, "Connection {ConnectionId} timed out ({What})", EventName = "Timeout")]
    public static partial void Timeout(ILogger logger, string connectionId, string what);

    [LoggerMessage(1010, LogLevel.Debug, "Connection {ConnectionId} client version {ClientVersion}", EventName = "ClientVersion")]
    public static partial void ClientVersion(ILogger logger, string connectionId, string clientVersion);

    [LoggerMessage(1011, LogLevel.Debug, "Connection {ConnectionId} key exchange done: {Algorithms}", EventName = "KeyExchangeDone")]
    public static partial void KeyExchangeDone(ILogger logger, string connectionId, string? algorithms);

    [LoggerMessage(1012, LogLevel.Debug, "Connection {ConnectionId} sent KEXINIT to rekey after {Bytes} bytes and {Elapsed} since the last key exchange", EventName = "RekeyStarted")]
    public static partial void RekeyStarted(ILogger logger, string connectionId, long bytes, TimeSpan elapsed);

    [LoggerMessage(1075, LogLevel.Information, "Connection {ConnectionId} user {UserName} refused: maximum sessions {MaxSessions} reached", EventName = "SessionLimitReached")]
    public static partial void SessionLimitReached(ILogger logger, string connectionId, string userName, int maxSessions);

    [LoggerMessage(1076, LogLevel.Information, "Connection {ConnectionId} closed by the application", EventName = "ConnectionClosedByApplication")]
    public static partial void ConnectionClosedByApplication(ILogger logger, string connectionId);

    [LoggerMessage(1080, LogLevel.Warning, "Connection {ConnectionId}: the session limiter failed", EventName = "SessionLimiterFailed")]
    public static partial void SessionLimiterFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(1124, LogLevel.Error, "Connection {ConnectionId}: authentication failed inside the authenticator or account store; the client was asked to retry later", EventName = "AuthenticationUnavailable")]
    public static partial void AuthenticationUnavailable(ILogger logger, string connectionId, Exception exception);
}
