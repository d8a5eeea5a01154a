using System.Runtime.CompilerServices;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// The file-system rules of <see cref="ObjectFileTree"/> on one bucket: HeadObject, ListObjectsV2, PutObject,
/// DeleteObject and CopyObject (multipart UploadPartCopy past 5 GiB). Directory renames are limited to
/// <see cref="S3FileSystemOptions.MaxRenameObjects"/> objects, <see cref="S3FileSystemOptions.UploadConcurrency"/> at once;
/// attribute changes follow <see cref="S3FileSystemOptions.SetstatMode"/>.
/// </summary>
internal sealed class S3FileTree : ObjectFileTree
{
    private readonly S3FileSystem _fs;

    public S3FileTree(S3FileSystem fs)
        : base(fs.Keys, fs.Options.MaxRenameObjects, fs.Options.UploadConcurrency)
    {
        _fs = fs;
    }

    protected override async ValueTask<VfsFileInfo?> HeadFileAsync(string key, string name, CancellationToken cancellationToken)
    {
        var head = await _fs.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        return head is null ? null : S3Entries.File(name, head.ContentLength, head.LastModified);
    }

    protected override async ValueTask<IVfsReader?> OpenFileAsync(string key, string name, CancellationToken cancellationToken)
    {
        var head = await _fs.HeadAsync(key, cancellationToken).ConfigureAwait(false);
        return head is null ? null : new S3Reader(_fs, key, S3Entries.File(name, head.ContentLength, head.LastModified), head.ETag);
    }

    protected override ObjectPartWriter CreateWriter(string key, string name) => new S3Writer(_fs, key, name);

    protected override async ValueTask<IReadOnlyList<string>> FirstKeysAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var page = await _fs.CallAsync("ListObjectsV2", prefix, () => _fs.Client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _fs.Bucket, Prefix = prefix, MaxKeys = count }, cancellationToken)).ConfigureAwait(false);
        return (page.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    protected override async IAsyncEnumerable<KeyValuePair<string, long>> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _fs.Bucket, Prefix = prefix };
        while (true)
        {
            var page = await _fs.CallAsync("ListObjectsV2", prefix, () => _fs.Client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new KeyValuePair<string, long>(item.Key, item.Size ?? 0);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    protected override ValueTask PutEmptyAsync(string key, CancellationToken cancellationToken) => _fs.PutEmptyAsync(key, cancellationToken);

    protected override ValueTask DeleteKeyAsync(string key, CancellationToken cancellationToken) => _fs.DeleteKeyAsync(key, cancellationToken);

    protected override ValueTask CopyKeyAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken) =>
        _fs.CopyObjectAsync(sourceKey, targetKey, size, cancellationToken);

    protected override bool IgnoresSetstat(string operation, string path)
    {
        if (_fs.Options.SetstatMode != S3SetstatMode.Ignore)
        {
            return false;
        }
        S3Log.SetstatIgnored(_fs.Logger, operation, path);
        return true;
    }

    protected override void OnRenamed(string from, string to, int objects) => S3Log.Renamed(_fs.Logger, from, to, objects);

    protected override void OnRenameTooLarge(string from, int limit) => S3Log.RenameTooLarge(_fs.Logger, from, limit);
}
