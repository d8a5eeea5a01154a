using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

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
    public async ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(from) || ObjectKeyMap.IsRoot(to))
        {
            throw new VfsException(VfsError.PermissionDenied, "Cannot rename the root.");
        }
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return;
        }
        var source = await GetInfoAsync(from, followLinks: false, cancellationToken).ConfigureAwait(false);
        if (source.Type == VfsFileType.Directory && to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new VfsException(VfsError.InvalidPath, "Cannot move a directory into itself.");
        }
        var target = await TryGetInfoAsync(to, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            await RequireDirectoryAsync(ObjectKeyMap.Parent(to), cancellationToken).ConfigureAwait(false);
        }
        else if (!overwrite)
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        else if (target.Type == VfsFileType.Directory && source.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        else if (target.Type != VfsFileType.Directory && source.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }

        if (source.Type != VfsFileType.Directory)
        {
            await CopyObjectAsync(Keys.File(from), Keys.File(to), source.Size, cancellationToken).ConfigureAwait(false);
            await DeleteKeyAsync(Keys.File(from), cancellationToken).ConfigureAwait(false);
            S3Log.Renamed(Logger, from, to, 1);
            return;
        }
        if (target is not null)
        {
            // posix-rename onto an existing directory: only an empty one may be replaced.
            await DeleteDirectoryAsync(to, cancellationToken).ConfigureAwait(false);
        }
        await RenameDirectoryAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// S3 copies whole objects only: a copy from offset 0 to the end of <paramref name="from"/> onto offset 0 of a
    /// missing or not larger <paramref name="to"/> is one server-side CopyObject; anything else fails with
    /// <see cref="VfsError.Unsupported"/>. SFTP copy-data between open handles streams through the server instead.
    /// </remarks>
    public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        var source = await GetInfoAsync(from, followLinks: true, cancellationToken).ConfigureAwait(false);
        if (source.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        var target = await TryGetInfoAsync(to, cancellationToken).ConfigureAwait(false);
        if (target?.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        bool whole = fromOffset == 0 && toOffset == 0 && (length == 0 || length >= source.Size) && (target is null || target.Size <= source.Size);
        if (!whole)
        {
            throw new VfsException(VfsError.Unsupported, "Partial copies are not supported by the storage.");
        }
        if (target is null)
        {
            await RequireDirectoryAsync(ObjectKeyMap.Parent(to), cancellationToken).ConfigureAwait(false);
        }
        await CopyObjectAsync(Keys.File(from), Keys.File(to), source.Size, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RenameDirectoryAsync(string from, string to, CancellationToken cancellationToken)
    {
        string fromPrefix = Keys.Directory(from);
        string toPrefix = Keys.Directory(to);
        var objects = new List<(string Key, long Size)>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = fromPrefix };
        while (true)
        {
            var page = await CallAsync("ListObjectsV2", fromPrefix, () => Client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                objects.Add((item.Key, item.Size ?? 0));
            }
            // The marker (if any) does not count towards the limit.
            if (objects.Count(o => o.Key != fromPrefix) > Options.MaxRenameObjects)
            {
                S3Log.RenameTooLarge(Logger, from, Options.MaxRenameObjects);
                throw new VfsException(VfsError.Unsupported, "Directory too large to rename on this storage.");
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
        if (!objects.Any(o => o.Key == fromPrefix))
        {
            // Keep the directory itself even if every object under it is moved away later.
            objects.Add((fromPrefix, 0));
            await PutEmptyAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.UploadConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(objects, parallel, async (item, ct) =>
            await CopyObjectAsync(item.Key, toPrefix + item.Key[fromPrefix.Length..], item.Size, ct).ConfigureAwait(false)).ConfigureAwait(false);
        // Children first, the marker last, so an interrupted rename never leaves children without their directory.
        await Parallel.ForEachAsync(objects.Where(o => o.Key != fromPrefix), parallel, async (item, ct) =>
            await DeleteKeyAsync(item.Key, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await DeleteKeyAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        S3Log.Renamed(Logger, from, to, objects.Count);
    }

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
