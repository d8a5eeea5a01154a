using Microsoft.Extensions.Logging;

namespace SftpKit.Storage.Sftp;

internal static partial class SftpRemoteLog
{
    [LoggerMessage(EventId = 7601, Level = LogLevel.Warning,
        Message = "Remote SFTP storage {Host}:{Port} presented host key {KeyType} {Fingerprint}, which is not pinned: connection refused")]
    public static partial void HostKeyRefused(ILogger logger, string host, int port, string keyType, string fingerprint);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "Remote SFTP storage {Host}:{Port} failed: {Reason}")]
    public static partial void RemoteFailed(ILogger logger, string host, int port, string reason, Exception exception);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Information,
        Message = "Remote SFTP storage {Host}:{Port}: a connection failed; it is closed and replaced on next use")]
    public static partial void ConnectionEvicted(ILogger logger, string host, int port);
}
