using Azure;
using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Positional reads of one blob through the read-ahead window of <see cref="ObjectReadAheadReader"/>: parts of
/// <see cref="AzureBlobFileSystemOptions.DownloadPartSizeMiB"/>, up to
/// <see cref="AzureBlobFileSystemOptions.DownloadConcurrency"/> ranged GETs ahead, each limited to
/// <see cref="AzureBlobFileSystemOptions.DownloadPartMaxTime"/>. Every GET carries the ETag seen at open (If-Match),
/// so a file replaced mid-download fails instead of mixing versions.
/// </summary>
internal sealed class AzureBlobReader : ObjectReadAheadReader
{
    private readonly AzureBlobFileSystem _fs;
    private readonly string _key;
    private readonly ETag _etag;

    public AzureBlobReader(AzureBlobFileSystem fs, string key, VfsFileInfo info, ETag etag)
        : base(info, checked((int)fs.Options.DownloadPartSize), fs.Options.DownloadConcurrency, fs.Options.DownloadPartMaxTime)
    {
        _fs = fs;
        _key = key;
        _etag = etag;
    }

    /// <summary>One ranged GET (If-Match the ETag seen at open).</summary>
    protected override ValueTask<int> FetchAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, buffer.Length),
            Conditions = new BlobRequestConditions { IfMatch = _etag },
        };
        return new ValueTask<int>(_fs.CallAsync("GetBlob", _key, async () =>
        {
            var response = await _fs.Blob(_key).DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
            await using var content = response.Value.Content;
            return await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }));
    }

    protected override void OnPartRetried(long part, Exception exception) => AzureBlobLog.PartRetried(_fs.Logger, _key, part, exception);
}
