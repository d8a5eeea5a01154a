using Microsoft.Extensions.Logging;

namespace SftpKit.Hosting;

/// <summary>Log events of the unauthenticated-connection gate and handshake scoring (ids 1120–1129).</summary>
internal static partial class Log
{
    [LoggerMessage(1120, LogLevel.Warning, "Connection refused from {RemoteEndPoint}: {Count} unauthenticated connections (MaxUnauthenticatedConnections)", EventName = "UnauthenticatedConnectionDropped")]
    public static partial void UnauthenticatedConnectionDropped(ILogger logger, string? remoteEndPoint, int count);

    [LoggerMessage(1122, LogLevel.Debug, "Connection {ConnectionId} from {RemoteAddress} ended without a login attempt", EventName = "HandshakeAbandoned")]
    public static partial void HandshakeAbandoned(ILogger logger, string connectionId, string remoteAddress);

    [LoggerMessage(1123, LogLevel.Warning, "The defender failed to record an event for {RemoteAddress}", EventName = "DefenderEventFailed")]
    public static partial void DefenderEventFailed(ILogger logger, string remoteAddress, Exception exception);
}
