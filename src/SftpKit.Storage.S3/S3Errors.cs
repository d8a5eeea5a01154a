using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging;
using SftpKit.FileSystem;

namespace SftpKit.Storage.S3;

/// <summary>Turns SDK failures into <see cref="VfsException"/> with generic messages; details go to the log only.</summary>
internal static class S3Errors
{
    public static bool IsNotFound(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode is "NoSuchKey" or "NotFound" or "NoSuchUpload";

    public static VfsException Map(Exception ex, string operation, string key, ILogger logger)
    {
        switch (ex)
        {
            case VfsException vfs:
                return vfs;
            case AmazonS3Exception s3 when IsNotFound(s3) && s3.ErrorCode != "NoSuchBucket":
                return new VfsException(VfsError.NotFound, "No such file.", ex);
            case AmazonServiceException service:
                S3Log.RequestFailed(logger, operation, key, (int)service.StatusCode, service.ErrorCode);
                return service.StatusCode == HttpStatusCode.Forbidden
                    ? new VfsException(VfsError.PermissionDenied, "Permission denied.", ex)
                    : new VfsException(VfsError.Failure, "Storage request failed.", ex);
            default:
                S3Log.RequestFailed(logger, operation, key, 0, ex.GetType().Name);
                return new VfsException(VfsError.Failure, "Storage request failed.", ex);
        }
    }

    /// <summary>True for what <see cref="Map"/> handles (so callers can let cancellation through untouched).</summary>
    public static bool IsStorageFailure(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
        || (ex is OperationCanceledException oce && oce.InnerException is TimeoutException);
}
