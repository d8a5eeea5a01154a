using Microsoft.Extensions.Logging;

namespace SftpKit.Hosting;

/// <summary>Every log event of SftpKit's SSH server, with stable ids. Never logs secrets or file content.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "SFTP server listening on {EndPoint}", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(1001, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint}", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, string? remoteEndPoint);

    [LoggerMessage(1005, LogLevel.Warning, "Connection refused from {RemoteEndPoint}: connection limit {Limit} reached", EventName = "ConnectionLimitReached")]
    public static partial void ConnectionLimitReached(ILogger logger, string? remoteEndPoint, int limit);

    [LoggerMessage(1040, LogLevel.Information, "Loaded host key {KeyType} {Fingerprint}", EventName = "HostKeyLoaded")]
    public static partial void HostKeyLoaded(ILogger logger, string keyType, string fingerprint);

    [LoggerMessage(1041, LogLevel.Information, "Options reloaded: new connections get them (MaxConnections {MaxConnections}, MaxConnectionsPerHost {MaxConnectionsPerHost}, {HostKeys} host keys)", EventName = "Reconfigured")]
    public static partial void Reconfigured(ILogger logger, int maxConnections, int maxConnectionsPerHost, int hostKeys);

    [LoggerMessage(1042, LogLevel.Error, "Options reloaded but the host keys could not be read; the running settings stay in force", EventName = "ReconfigureFailed")]
    public static partial void ReconfigureFailed(ILogger logger, Exception exception);
}
