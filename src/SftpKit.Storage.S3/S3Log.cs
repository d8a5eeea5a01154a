using Microsoft.Extensions.Logging;

namespace SftpKit.Storage.S3;

/// <summary>Log messages of the S3 storage (event ids 7000–7049). Keys are logged; secrets and contents never.</summary>
internal static partial class S3Log
{
    [LoggerMessage(7000, LogLevel.Warning, "S3 storage for bucket {Bucket} accepts any TLS certificate (SkipTlsVerify): for testing only", EventName = "S3SkipTlsVerify")]
    public static partial void SkipTlsVerify(ILogger logger, string bucket);

    [LoggerMessage(7001, LogLevel.Warning, "S3 request {Operation} on {Key} failed with {StatusCode} {ErrorCode}", EventName = "S3RequestFailed")]
    public static partial void RequestFailed(ILogger logger, string operation, string key, int statusCode, string? errorCode);

    [LoggerMessage(7002, LogLevel.Debug, "S3 upload of {Key} completed: {Bytes} bytes in {Parts} part(s)", EventName = "S3UploadCompleted")]
    public static partial void UploadCompleted(ILogger logger, string key, long bytes, int parts);

    [LoggerMessage(7003, LogLevel.Information, "S3 upload of {Key} aborted after {Bytes} bytes; multipart upload removed", EventName = "S3UploadAborted")]
    public static partial void UploadAborted(ILogger logger, string key, long bytes);

    [LoggerMessage(7004, LogLevel.Information, "S3 upload of {Key} interrupted after {Bytes} bytes; kept for resume", EventName = "S3UploadKeptPartial")]
    public static partial void UploadKeptPartial(ILogger logger, string key, long bytes);

    [LoggerMessage(7005, LogLevel.Warning, "S3 multipart upload {UploadId} of {Key} could not be aborted; a bucket lifecycle rule should remove it", EventName = "S3AbortFailed")]
    public static partial void AbortFailed(ILogger logger, string key, string uploadId, Exception exception);

    [LoggerMessage(7006, LogLevel.Debug, "S3 rename {From} -> {To}: {Objects} object(s) copied and deleted", EventName = "S3Renamed")]
    public static partial void Renamed(ILogger logger, string from, string to, int objects);

    [LoggerMessage(7007, LogLevel.Information, "S3 rename of {From} refused: more than {Limit} objects", EventName = "S3RenameTooLarge")]
    public static partial void RenameTooLarge(ILogger logger, string from, int limit);

    [LoggerMessage(7008, LogLevel.Debug, "S3 {Operation} on {Path} ignored (setstat mode Ignore)", EventName = "S3SetstatIgnored")]
    public static partial void SetstatIgnored(ILogger logger, string operation, string path);

    [LoggerMessage(7009, LogLevel.Debug, "S3 download part {Part} of {Key} retried after a failure", EventName = "S3PartRetried")]
    public static partial void PartRetried(ILogger logger, string key, long part, Exception exception);
}
