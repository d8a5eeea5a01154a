using Microsoft.Extensions.Logging;

namespace SftpKit.Hosting;

/// <summary>Log events of PROXY protocol handling on the listeners (ids 1100–1119).</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Debug, "Connection from proxy {ProxyEndPoint}: PROXY v{Version} header names client {RemoteEndPoint}", EventName = "ProxyHeaderAccepted")]
    public static partial void ProxyHeaderAccepted(ILogger logger, string? proxyEndPoint, int version, string? remoteEndPoint);

    [LoggerMessage(1101, LogLevel.Debug, "Connection from proxy {ProxyEndPoint}: PROXY v{Version} {Command} header without a client address; the proxy's address is used", EventName = "ProxyHeaderWithoutClient")]
    public static partial void ProxyHeaderWithoutClient(ILogger logger, string? proxyEndPoint, int version, string command);

    [LoggerMessage(1102, LogLevel.Debug, "Connection from trusted proxy {ProxyEndPoint} sent no PROXY header; served as a direct client", EventName = "ProxyHeaderAbsent")]
    public static partial void ProxyHeaderAbsent(ILogger logger, string? proxyEndPoint);

    [LoggerMessage(1103, LogLevel.Warning, "Connection from trusted proxy {ProxyEndPoint} dropped: invalid PROXY header ({Detail})", EventName = "ProxyHeaderInvalid")]
    public static partial void ProxyHeaderInvalid(ILogger logger, string? proxyEndPoint, string? detail);

    [LoggerMessage(1104, LogLevel.Warning, "Connection from trusted proxy {ProxyEndPoint} dropped: the listener requires a PROXY header", EventName = "ProxyHeaderMissing")]
    public static partial void ProxyHeaderMissing(ILogger logger, string? proxyEndPoint);

    [LoggerMessage(1105, LogLevel.Warning, "Connection from trusted proxy {ProxyEndPoint} dropped: PROXY header not complete within {Timeout}", EventName = "ProxyHeaderTimedOut")]
    public static partial void ProxyHeaderTimedOut(ILogger logger, string? proxyEndPoint, TimeSpan timeout);

    [LoggerMessage(1106, LogLevel.Debug, "Connection from trusted proxy {ProxyEndPoint} closed before its PROXY header", EventName = "ProxyHeaderClosed")]
    public static partial void ProxyHeaderClosed(ILogger logger, string? proxyEndPoint);

    [LoggerMessage(1107, LogLevel.Information, "Connection from {RemoteEndPoint} dropped: not a trusted proxy, and listener {ListenEndPoint} requires the PROXY protocol", EventName = "UntrustedProxyPeerDropped")]
    public static partial void UntrustedProxyPeerDropped(ILogger logger, string? remoteEndPoint, string? listenEndPoint);

    [LoggerMessage(1108, LogLevel.Warning, "Connection from trusted proxy {ProxyEndPoint} dropped: {Limit} PROXY headers already pending", EventName = "ProxyHeadersPendingLimit")]
    public static partial void ProxyHeadersPendingLimit(ILogger logger, string? proxyEndPoint, int limit);
}
