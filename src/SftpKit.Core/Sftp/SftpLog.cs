using Microsoft.Extensions.Logging;

namespace SftpKit.Sftp;

/// <summary>Log events of the SFTP subsystem (ids 3000–3099). Never logs file content or secrets.</summary>
internal static partial class SftpLog
{
    [LoggerMessage(3000, LogLevel.Debug, "SFTP session {SessionId} started, client version {ClientVersion}", EventName = "SftpSessionStarted")]
    public static partial void SessionStarted(ILogger logger, string sessionId, uint clientVersion);

    [LoggerMessage(3001, LogLevel.Debug, "SFTP session {SessionId} ended", EventName = "SftpSessionEnded")]
    public static partial void SessionEnded(ILogger logger, string sessionId);

    [LoggerMessage(3002, LogLevel.Information, "SFTP session {SessionId} ended by protocol error: {Detail}", EventName = "SftpProtocolError")]
    public static partial void ProtocolError(ILogger logger, string sessionId, string detail);

    [LoggerMessage(3003, LogLevel.Warning, "SFTP session {SessionId} request {Request} failed unexpectedly", EventName = "SftpRequestFailed")]
    public static partial void RequestFailed(ILogger logger, string sessionId, string request, Exception exception);

    [LoggerMessage(3004, LogLevel.Debug, "SFTP session {SessionId} {Request} failed: {Error}", EventName = "SftpFileSystemError")]
    public static partial void FileSystemError(ILogger logger, string sessionId, string request, FileSystem.VfsError error);

    // Debug: every completed upload is already logged at Information as event 4000 (Transfer, with user, size and
    // elapsed time); a second Information line per file cost as much as the file's own I/O for small files.
    [LoggerMessage(3005, LogLevel.Debug, "SFTP session {SessionId} upload of {Path} completed ({Bytes} bytes)", EventName = "SftpUploadCompleted")]
    public static partial void UploadCompleted(ILogger logger, string sessionId, string path, long bytes);

    [LoggerMessage(3006, LogLevel.Information, "SFTP session {SessionId} upload of {Path} discarded (not closed by the client)", EventName = "SftpUploadDiscarded")]
    public static partial void UploadDiscarded(ILogger logger, string sessionId, string path);

    [LoggerMessage(3007, LogLevel.Debug, "SFTP session {SessionId} upload of {Path} went past the reorder window ({How})", EventName = "SftpUploadReordered")]
    public static partial void UploadReordered(ILogger logger, string sessionId, string path, string how);

    [LoggerMessage(3008, LogLevel.Warning, "SFTP session {SessionId} could not get a file system", EventName = "SftpFileSystemUnavailable")]
    public static partial void FileSystemUnavailable(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(3009, LogLevel.Debug, "SFTP session {SessionId} refused {Request}: the session is read-only", EventName = "SftpReadOnlyRefused")]
    public static partial void ReadOnlyRefused(ILogger logger, string sessionId, string request);
}
