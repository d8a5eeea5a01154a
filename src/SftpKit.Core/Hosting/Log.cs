using Microsoft.Extensions.Logging;

namespace SftpKit.Hosting;

/// <summary>Every log event of SftpKit's SSH server, with stable ids. Never logs secrets or file content.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "SFTP server listening on {EndPoint}", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(1001, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint}", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, string? remoteEndPoint);

    [LoggerMessage(1002, LogLevel.Debug, "Connection {ConnectionId} closed", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);

    [LoggerMessage(1003, LogLevel.Information, "Connection {ConnectionId} ended by protocol error ({Reason}): {Detail}", EventName = "ProtocolError")]
    public static partial void ProtocolError(ILogger logger, string connectionId, Ssh.SshDisconnectReason reason, string detail);

    [LoggerMessage(1004, LogLevel.Warning, "Connection {ConnectionId} failed unexpectedly", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(1124, LogLevel.Error, "Connection {ConnectionId}: authentication failed inside the authenticator or account store; the client was asked to retry later", EventName = "AuthenticationUnavailable")]
    public static partial void AuthenticationUnavailable(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(1005, LogLevel.Warning, "Connection refused from {RemoteEndPoint}: connection limit {Limit} reached", EventName = "ConnectionLimitReached")]
    public static partial void ConnectionLimitReached(ILogger logger, string? remoteEndPoint, int limit);

    [LoggerMessage(1006, LogLevel.Information, "Connection {ConnectionId} timed out ({What})", EventName = "Timeout")]
    public static partial void Timeout(ILogger logger, string connectionId, string what);

    [LoggerMessage(1010, LogLevel.Debug, "Connection {ConnectionId} client version {ClientVersion}", EventName = "ClientVersion")]
    public static partial void ClientVersion(ILogger logger, string connectionId, string clientVersion);

    [LoggerMessage(1011, LogLevel.Debug, "Connection {ConnectionId} key exchange done: {Algorithms}", EventName = "KeyExchangeDone")]
    public static partial void KeyExchangeDone(ILogger logger, string connectionId, string? algorithms);

    [LoggerMessage(1012, LogLevel.Debug, "Connection {ConnectionId} sent KEXINIT to rekey after {Bytes} bytes and {Elapsed} since the last key exchange", EventName = "RekeyStarted")]
    public static partial void RekeyStarted(ILogger logger, string connectionId, long bytes, TimeSpan elapsed);

    [LoggerMessage(1020, LogLevel.Information, "Connection {ConnectionId} user {UserName} authenticated by {Method} from {RemoteEndPoint}", EventName = "AuthenticationSucceeded")]
    public static partial void AuthenticationSucceeded(ILogger logger, string connectionId, string userName, string method, string? remoteEndPoint);

    [LoggerMessage(1021, LogLevel.Information, "Connection {ConnectionId} user {UserName} failed {Method} authentication from {RemoteEndPoint}", EventName = "AuthenticationFailed")]
    public static partial void AuthenticationFailed(ILogger logger, string connectionId, string userName, string method, string? remoteEndPoint);

    [LoggerMessage(1022, LogLevel.Information, "Connection {ConnectionId} user {UserName} sent an invalid public key signature", EventName = "PublicKeySignatureInvalid")]
    public static partial void PublicKeySignatureInvalid(ILogger logger, string connectionId, string userName);

    [LoggerMessage(1030, LogLevel.Debug, "Connection {ConnectionId} global request {Name} refused", EventName = "GlobalRequest")]
    public static partial void GlobalRequest(ILogger logger, string connectionId, string name);

    [LoggerMessage(1031, LogLevel.Debug, "Connection {ConnectionId} channel {ChannelId} subsystem {Name}", EventName = "SubsystemStarted")]
    public static partial void SubsystemStarted(ILogger logger, string connectionId, uint channelId, string name);

    [LoggerMessage(1032, LogLevel.Information, "Connection {ConnectionId} requested unknown subsystem {Name}", EventName = "SubsystemUnknown")]
    public static partial void SubsystemUnknown(ILogger logger, string connectionId, string name);

    [LoggerMessage(1033, LogLevel.Debug, "Connection {ConnectionId} channel {ChannelId} exec {Command}", EventName = "ExecStarted")]
    public static partial void ExecStarted(ILogger logger, string connectionId, uint channelId, string command);

    [LoggerMessage(1034, LogLevel.Warning, "Connection {ConnectionId} channel {ChannelId} handler failed", EventName = "HandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, string connectionId, uint channelId, Exception exception);

    [LoggerMessage(1040, LogLevel.Information, "Loaded host key {KeyType} {Fingerprint}", EventName = "HostKeyLoaded")]
    public static partial void HostKeyLoaded(ILogger logger, string keyType, string fingerprint);
}
