using Amazon.S3.Model;
using SftpKit.FileSystem;

namespace SftpKit.Storage.S3;

/// <summary>Renames and copies: server-side CopyObject (multipart UploadPartCopy past 5 GiB), then deletes.</summary>
public sealed partial class S3FileSystem
{
    /// <summary>Largest object one CopyObject request may copy, and largest part one UploadPartCopy may copy (S3: 5 GiB).</summary>
    internal const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;

    private const long DefaultCopyPartSize = 512L * 1024 * 1024;

    /// <summary>
    /// Objects above this size are copied with multipart UploadPartCopy, and no copied part is larger. Always
    /// <see cref="MaxSingleCopy"/> in use; tests lower it to exercise multipart copies on small objects.
    /// </summary>
    internal long MaxSingleCopyBytes { get; init; } = MaxSingleCopy;

    /// <summary>Part size of a multipart copy (raised so that no copy needs more than 10,000 parts).</summary>
    internal long CopyPartBytes { get; init; } = DefaultCopyPartSize;

    /// <inheritdoc />
    /// <remarks>
    /// Not atomic: each object is copied then deleted. A directory is renamed object by object, up to
    /// <see cref="S3FileSystemOptions.MaxRenameObjects"/> objects; beyond that it fails with
    /// <see cref="VfsError.Unsupported"/> before anything is copied.
    /// </remarks>
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
        => Tree.RenameAsync(from, to, overwrite, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// S3 copies whole objects only: a copy from offset 0 to the end of <paramref name="from"/> onto offset 0 of a
    /// missing or not larger <paramref name="to"/> is one server-side CopyObject; anything else fails with
    /// <see cref="VfsError.Unsupported"/>. SFTP copy-data between open handles streams through the server instead.
    /// </remarks>
    public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        => Tree.CopyAsync(from, fromOffset, length, to, toOffset, cancellationToken);

    internal async ValueTask CopyObjectAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken)
    {
        if (size > MaxSingleCopyBytes)
        {
            await CopyMultipartAsync(sourceKey, targetKey, size, cancellationToken).ConfigureAwait(false);
            return;
        }
        var request = new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = sourceKey,
            DestinationBucket = Bucket,
            DestinationKey = targetKey,
        };
        if (Options.StorageClass is { Length: > 0 } storageClass)
        {
            request.StorageClass = Amazon.S3.S3StorageClass.FindValue(storageClass);
        }
        if (Options.Acl is { Length: > 0 } acl)
        {
            request.CannedACL = Amazon.S3.S3CannedACL.FindValue(acl);
        }
        if (Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = Amazon.S3.ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
            request.CopySourceServerSideEncryptionCustomerMethod = Amazon.S3.ServerSideEncryptionCustomerMethod.AES256;
            request.CopySourceServerSideEncryptionCustomerProvidedKey = sse;
        }
        if (Checksum is { } checksum)
        {
            request.ChecksumAlgorithm = checksum;
        }
        await CallAsync("CopyObject", sourceKey, () => Client.CopyObjectAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    private async ValueTask CopyMultipartAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken)
    {
        long partSize = Math.Max(CopyPartBytes, (size + 9999) / 10000);
        var upload = new S3MultipartUpload(this, targetKey);
        try
        {
            await upload.StartAsync(cancellationToken).ConfigureAwait(false);
            int parts = (int)((size + partSize - 1) / partSize);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.UploadConcurrency), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, parts), parallel, async (index, ct) =>
            {
                long first = index * partSize;
                long last = Math.Min(size, first + partSize) - 1;
                await upload.CopyPartAsync(index + 1, sourceKey, first, last, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await upload.AbortIfOpenAsync().ConfigureAwait(false);
        }
    }
}
