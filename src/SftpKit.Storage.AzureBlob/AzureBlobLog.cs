using Microsoft.Extensions.Logging;

namespace SftpKit.Storage.AzureBlob;

/// <summary>Log messages of the Azure Blob storage (event ids 7300–7349). Blob names are logged; secrets and contents never.</summary>
internal static partial class AzureBlobLog
{
    [LoggerMessage(7300, LogLevel.Warning, "Azure Blob storage for container {Container} accepts any TLS certificate (SkipTlsVerify): for testing only", EventName = "AzureBlobSkipTlsVerify")]
    public static partial void SkipTlsVerify(ILogger logger, string container);

    [LoggerMessage(7301, LogLevel.Warning, "Azure Blob request {Operation} on {Name} failed with {Status} {ErrorCode}", EventName = "AzureBlobRequestFailed")]
    public static partial void RequestFailed(ILogger logger, string operation, string name, int status, string? errorCode);

    [LoggerMessage(7302, LogLevel.Debug, "Azure Blob upload of {Name} committed: {Bytes} bytes in {Blocks} block(s)", EventName = "AzureBlobUploadCommitted")]
    public static partial void UploadCommitted(ILogger logger, string name, long bytes, int blocks);

    [LoggerMessage(7303, LogLevel.Information, "Azure Blob upload of {Name} abandoned after {Bytes} bytes; nothing committed", EventName = "AzureBlobUploadAbandoned")]
    public static partial void UploadAbandoned(ILogger logger, string name, long bytes);

    [LoggerMessage(7304, LogLevel.Information, "Azure Blob upload of {Name} interrupted after {Bytes} bytes; committed for resume", EventName = "AzureBlobUploadKeptPartial")]
    public static partial void UploadKeptPartial(ILogger logger, string name, long bytes);

    [LoggerMessage(7305, LogLevel.Debug, "Azure Blob rename {From} -> {To}: {Blobs} blob(s) copied and deleted", EventName = "AzureBlobRenamed")]
    public static partial void Renamed(ILogger logger, string from, string to, int blobs);

    [LoggerMessage(7306, LogLevel.Information, "Azure Blob rename of {From} refused: more than {Limit} blobs", EventName = "AzureBlobRenameTooLarge")]
    public static partial void RenameTooLarge(ILogger logger, string from, int limit);

    [LoggerMessage(7307, LogLevel.Debug, "Azure Blob {Operation} on {Path} ignored (setstat mode Ignore)", EventName = "AzureBlobSetstatIgnored")]
    public static partial void SetstatIgnored(ILogger logger, string operation, string path);

    [LoggerMessage(7308, LogLevel.Debug, "Azure Blob download part {Part} of {Name} retried after a failure", EventName = "AzureBlobPartRetried")]
    public static partial void PartRetried(ILogger logger, string name, long part, Exception exception);
}
