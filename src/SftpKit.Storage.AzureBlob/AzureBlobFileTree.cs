using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// The file-system rules of <see cref="ObjectFileTree"/> on one container: Get Blob Properties, List Blobs, Put Blob,
/// Delete Blob and Copy Blob (waited for). Directory renames are limited to
/// <see cref="AzureBlobFileSystemOptions.MaxRenameObjects"/> blobs, <see cref="AzureBlobFileSystemOptions.UploadConcurrency"/>
/// at once; attribute changes follow <see cref="AzureBlobFileSystemOptions.SetstatMode"/>.
/// </summary>
internal sealed class AzureBlobFileTree : ObjectFileTree
{
    private readonly AzureBlobFileSystem _fs;

    public AzureBlobFileTree(AzureBlobFileSystem fs)
        : base(fs.Keys, fs.Options.MaxRenameObjects, fs.Options.UploadConcurrency)
    {
        _fs = fs;
    }

    protected override async ValueTask<VfsFileInfo?> HeadFileAsync(string key, string name, CancellationToken cancellationToken)
    {
        var properties = await _fs.PropertiesAsync(key, cancellationToken).ConfigureAwait(false);
        return properties is null ? null : ObjectEntries.File(name, properties.ContentLength, properties.LastModified);
    }

    protected override async ValueTask<IVfsReader?> OpenFileAsync(string key, string name, CancellationToken cancellationToken)
    {
        var properties = await _fs.PropertiesAsync(key, cancellationToken).ConfigureAwait(false);
        return properties is null ? null : new AzureBlobReader(_fs, key, ObjectEntries.File(name, properties.ContentLength, properties.LastModified), properties.ETag);
    }

    protected override ObjectPartWriter CreateWriter(string key, string name) => new AzureBlobWriter(_fs, key, name);

    protected override async ValueTask<IReadOnlyList<string>> FirstKeysAsync(string prefix, int count, CancellationToken cancellationToken) =>
        await _fs.FirstNamesAsync(prefix, count, cancellationToken).ConfigureAwait(false);

    protected override async IAsyncEnumerable<KeyValuePair<string, long>> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _fs.Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages();
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Page<BlobItem> page;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
                page = enumerator.Current;
            }
            catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex))
            {
                throw AzureBlobErrors.Map(ex, "ListBlobs", prefix, _fs.Logger);
            }
            foreach (var item in page.Values)
            {
                yield return new KeyValuePair<string, long>(item.Name, 0);
            }
        }
    }

    protected override ValueTask PutEmptyAsync(string key, CancellationToken cancellationToken) => _fs.PutEmptyAsync(key, cancellationToken);

    protected override ValueTask DeleteKeyAsync(string key, CancellationToken cancellationToken) => _fs.DeleteBlobAsync(key, cancellationToken);

    protected override ValueTask CopyKeyAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken) =>
        _fs.CopyBlobAsync(sourceKey, targetKey, cancellationToken);

    protected override bool IgnoresSetstat(string operation, string path)
    {
        if (_fs.Options.SetstatMode != AzureBlobSetstatMode.Ignore)
        {
            return false;
        }
        AzureBlobLog.SetstatIgnored(_fs.Logger, operation, path);
        return true;
    }

    protected override void OnRenamed(string from, string to, int objects) => AzureBlobLog.Renamed(_fs.Logger, from, to, objects);

    protected override void OnRenameTooLarge(string from, int limit) => AzureBlobLog.RenameTooLarge(_fs.Logger, from, limit);
}
