using Azure;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Storage.AzureBlob;

/// <summary>Turns SDK failures into <see cref="VfsException"/> with generic messages; details go to the log only.</summary>
internal static class AzureBlobErrors
{
    public static bool IsNotFound(RequestFailedException ex) =>
        ex.Status == 404 && ex.ErrorCode is null or "BlobNotFound" or "ResourceNotFound";

    public static VfsException Map(Exception ex, string operation, string name, ILogger logger)
    {
        switch (ex)
        {
            case VfsException vfs:
                return vfs;
            case RequestFailedException failed when IsNotFound(failed):
                return new VfsException(VfsError.NotFound, "No such file.", ex);
            case RequestFailedException failed:
                AzureBlobLog.RequestFailed(logger, operation, name, failed.Status, failed.ErrorCode);
                return failed.Status == 403
                    ? new VfsException(VfsError.PermissionDenied, "Permission denied.", ex)
                    : new VfsException(VfsError.Failure, "Storage request failed.", ex);
            default:
                AzureBlobLog.RequestFailed(logger, operation, name, 0, ex.GetType().Name);
                return new VfsException(VfsError.Failure, "Storage request failed.", ex);
        }
    }

    /// <summary>True for what <see cref="Map"/> handles (so callers can let cancellation through untouched).</summary>
    public static bool IsStorageFailure(Exception ex) =>
        ex is RequestFailedException or AggregateException or HttpRequestException or IOException
        || (ex is OperationCanceledException oce && oce.InnerException is TimeoutException);
}
