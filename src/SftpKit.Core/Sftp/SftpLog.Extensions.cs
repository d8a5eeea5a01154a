using Microsoft.Extensions.Logging;

namespace SftpKit.Sftp;

/// <summary>Log events of the check-file and copy-data extensions (ids 3020–3039).</summary>
internal static partial class SftpLog
{
    [LoggerMessage(3020, LogLevel.Debug, "SFTP session {SessionId} check-file hashed {Bytes} bytes of {Path} with {Algorithm} into {Blocks} block hashes", EventName = "SftpCheckFileHashed")]
    public static partial void CheckFileHashed(ILogger logger, string sessionId, string path, string algorithm, long bytes, long blocks);

    [LoggerMessage(3021, LogLevel.Debug, "SFTP session {SessionId} check-file refused: {Reason}", EventName = "SftpCheckFileRefused")]
    public static partial void CheckFileRefused(ILogger logger, string sessionId, string reason);

    [LoggerMessage(3022, LogLevel.Debug, "SFTP session {SessionId} copy-data copied {Bytes} bytes from {Source} to {Target} ({How})", EventName = "SftpCopyDataCompleted")]
    public static partial void CopyDataCompleted(ILogger logger, string sessionId, string source, string target, long bytes, string how);

    [LoggerMessage(3023, LogLevel.Debug, "SFTP session {SessionId} copy-data refused: {Reason}", EventName = "SftpCopyDataRefused")]
    public static partial void CopyDataRefused(ILogger logger, string sessionId, string reason);
}
