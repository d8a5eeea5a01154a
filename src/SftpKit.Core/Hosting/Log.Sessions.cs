using Microsoft.Extensions.Logging;

namespace SftpKit.Hosting;

/// <summary>Log events of the connection registry, connection and session limits, and the defender (ids 1070–1099).</summary>
internal static partial class Log
{
    [LoggerMessage(1070, LogLevel.Information, "Connection from {RemoteAddress} dropped: host is banned", EventName = "BannedHostDropped")]
    public static partial void BannedHostDropped(ILogger logger, string remoteAddress);

    [LoggerMessage(1071, LogLevel.Information, "Connection from {RemoteAddress} dropped: host is on the block list", EventName = "BlockedHostDropped")]
    public static partial void BlockedHostDropped(ILogger logger, string remoteAddress);

    [LoggerMessage(1072, LogLevel.Warning, "Connection refused from {RemoteEndPoint}: per-host connection limit {Limit} reached", EventName = "HostConnectionLimitReached")]
    public static partial void HostConnectionLimitReached(ILogger logger, string? remoteEndPoint, int limit);

    [LoggerMessage(1073, LogLevel.Warning, "Host {RemoteAddress} banned until {BannedUntil} (score {Score})", EventName = "HostBanned")]
    public static partial void HostBanned(ILogger logger, string remoteAddress, int score, DateTimeOffset bannedUntil);

    [LoggerMessage(1074, LogLevel.Information, "Host {RemoteAddress} unbanned", EventName = "HostUnbanned")]
    public static partial void HostUnbanned(ILogger logger, string remoteAddress);

    [LoggerMessage(1075, LogLevel.Information, "Connection {ConnectionId} user {UserName} refused: maximum sessions {MaxSessions} reached", EventName = "SessionLimitReached")]
    public static partial void SessionLimitReached(ILogger logger, string connectionId, string userName, int maxSessions);

    [LoggerMessage(1077, LogLevel.Warning, "Connection {ConnectionId}: the defender failed to record a login failure", EventName = "DefenderFailed")]
    public static partial void DefenderFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(1079, LogLevel.Warning, "Connection from {RemoteEndPoint} dropped: too many refusals in progress", EventName = "RefusalDropped")]
    public static partial void RefusalDropped(ILogger logger, string? remoteEndPoint);

    [LoggerMessage(1081, LogLevel.Warning, "Admission of an accepted connection failed; the connection was dropped", EventName = "AdmissionFailed")]
    public static partial void AdmissionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1082, LogLevel.Information, "Connection {ConnectionId} from {RemoteEndPoint} refused before authentication by a Connect event handler", EventName = "ConnectionRefusedByEventHandler")]
    public static partial void ConnectionRefusedByEventHandler(ILogger logger, string connectionId, string? remoteEndPoint);
}
