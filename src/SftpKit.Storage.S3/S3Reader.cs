using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// Positional reads of one object through the read-ahead window of <see cref="ObjectReadAheadReader"/>: parts of
/// <see cref="S3FileSystemOptions.DownloadPartSizeMiB"/>, up to <see cref="S3FileSystemOptions.DownloadConcurrency"/>
/// ranged GETs ahead, each limited to <see cref="S3FileSystemOptions.DownloadPartMaxTime"/>. Every GET carries the
/// ETag seen at open (If-Match), so a file replaced mid-download fails instead of mixing versions.
/// </summary>
internal sealed class S3Reader : ObjectReadAheadReader
{
    private readonly S3FileSystem _fs;
    private readonly string _key;
    private readonly string? _etag;

    public S3Reader(S3FileSystem fs, string key, VfsFileInfo info, string? etag)
        : base(info, checked((int)fs.Options.DownloadPartSize), fs.Options.DownloadConcurrency, fs.Options.DownloadPartMaxTime)
    {
        _fs = fs;
        _key = key;
        _etag = etag;
    }

    internal static void ApplySse(S3FileSystem fs, GetObjectRequest request)
    {
        if (fs.Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
    }

    /// <summary>One ranged GET (If-Match the ETag seen at open).</summary>
    protected override async ValueTask<int> FetchAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest
        {
            BucketName = _fs.Bucket,
            Key = _key,
            ByteRange = new ByteRange(offset, offset + buffer.Length - 1),
            EtagToMatch = _etag,
        };
        ApplySse(_fs, request);
        using var response = await _fs.CallAsync("GetObject", _key, () => _fs.Client.GetObjectAsync(request, cancellationToken)).ConfigureAwait(false);
        return await _fs.CallAsync("GetObject", _key,
            () => response.ResponseStream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).AsTask()).ConfigureAwait(false);
    }

    protected override void OnPartRetried(long part, Exception exception) => S3Log.PartRetried(_fs.Logger, _key, part, exception);
}
