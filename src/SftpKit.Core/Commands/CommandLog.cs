using Microsoft.Extensions.Logging;

namespace SftpKit.Commands;

/// <summary>Log events of SCP and the shell-free commands (ids 3100–3199). Never logs file content or secrets.</summary>
internal static partial class CommandLog
{
    [LoggerMessage(3100, LogLevel.Debug, "Connection {ConnectionId} runs {Command}", EventName = "CommandStarted")]
    public static partial void CommandStarted(ILogger logger, string connectionId, string command);

    [LoggerMessage(3101, LogLevel.Information, "Connection {ConnectionId} command refused: {Reason}", EventName = "CommandRefused")]
    public static partial void CommandRefused(ILogger logger, string connectionId, string reason);

    [LoggerMessage(3102, LogLevel.Warning, "Connection {ConnectionId} could not get a file system", EventName = "CommandFileSystemUnavailable")]
    public static partial void FileSystemUnavailable(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(3103, LogLevel.Debug, "Connection {ConnectionId} {Operation} failed: {Error}", EventName = "CommandFileSystemError")]
    public static partial void FileSystemError(ILogger logger, string connectionId, string operation, FileSystem.VfsError error);

    [LoggerMessage(3110, LogLevel.Information, "Connection {ConnectionId} SCP upload of {Path} completed ({Bytes} bytes)", EventName = "ScpUploadCompleted")]
    public static partial void ScpUploadCompleted(ILogger logger, string connectionId, string path, long bytes);

    [LoggerMessage(3111, LogLevel.Information, "Connection {ConnectionId} SCP upload of {Path} discarded", EventName = "ScpUploadDiscarded")]
    public static partial void ScpUploadDiscarded(ILogger logger, string connectionId, string path);

    [LoggerMessage(3112, LogLevel.Information, "Connection {ConnectionId} SCP protocol error: {Detail}", EventName = "ScpProtocolError")]
    public static partial void ScpProtocolError(ILogger logger, string connectionId, string detail);

    [LoggerMessage(3113, LogLevel.Debug, "Connection {ConnectionId} SCP sent {Path} ({Bytes} bytes)", EventName = "ScpDownloadCompleted")]
    public static partial void ScpDownloadCompleted(ILogger logger, string connectionId, string path, long bytes);
}
