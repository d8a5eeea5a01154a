using Microsoft.Extensions.Logging;

namespace SftpKit.Ssh.Connection;

/// <summary>Log events of the ssh-connection service: global requests, subsystems, exec and handlers (ids 1030–1039).</summary>
internal static partial class ConnectionLog
{
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
}
