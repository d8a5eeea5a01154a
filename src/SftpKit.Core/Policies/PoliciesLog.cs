using Microsoft.Extensions.Logging;

namespace SftpKit.Policies;

/// <summary>Log events of the defender (ids and messages as before the policies had their own log class).</summary>
internal static partial class PoliciesLog
{
    [LoggerMessage(1073, LogLevel.Warning, "Host {RemoteAddress} banned until {BannedUntil} (score {Score})", EventName = "HostBanned")]
    public static partial void HostBanned(ILogger logger, string remoteAddress, int score, DateTimeOffset bannedUntil);

    [LoggerMessage(1074, LogLevel.Information, "Host {RemoteAddress} unbanned", EventName = "HostUnbanned")]
    public static partial void HostUnbanned(ILogger logger, string remoteAddress);

    [LoggerMessage(1077, LogLevel.Warning, "Connection {ConnectionId}: the defender failed to record a login failure", EventName = "DefenderFailed")]
    public static partial void DefenderFailed(ILogger logger, string connectionId, Exception exception);
}
