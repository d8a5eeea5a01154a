using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// A sequential upload into one object through <see cref="ObjectPartWriter"/>: parts of
/// <see cref="S3FileSystemOptions.UploadPartSizeMiB"/> sent as UploadPart, at most
/// <see cref="S3FileSystemOptions.UploadConcurrency"/> in flight (so an upload never holds more than part size ×
/// (concurrency + 1)), each limited to <see cref="S3FileSystemOptions.UploadPartMaxTime"/>. A file that fits one part
/// is one PutObject. Nothing is visible until <see cref="ObjectPartWriter.CompleteAsync"/>; disposing first aborts the
/// multipart upload (or completes it with what arrived when <see cref="S3FileSystemOptions.KeepPartialUploads"/> is set).
/// </summary>
internal sealed class S3Writer : ObjectPartWriter
{
    private readonly S3FileSystem _fs;
    private readonly string _key;
    private readonly string _name;
    private readonly S3MultipartUpload _upload;
    private int _nextPart = 1;

    public S3Writer(S3FileSystem fs, string key, string name)
        : base(checked((int)fs.Options.UploadPartSize), fs.Options.UploadConcurrency, fs.Options.UploadPartMaxTime, fs.Options.KeepPartialUploads)
    {
        _fs = fs;
        _key = key;
        _name = name;
        _upload = new S3MultipartUpload(fs, key);
    }

    protected override bool HasParts => _upload.Started;

    /// <summary>
    /// Starts a resumed upload with the first <paramref name="offset"/> bytes of the existing object: copied
    /// server-side as parts (UploadPartCopy) when there are at least 5 MiB, else, or where the service lacks
    /// UploadPartCopy, read back through the part buffer with ranged GETs.
    /// </summary>
    public override async ValueTask ResumeAsync(long offset, CancellationToken cancellationToken)
    {
        const long minPart = S3FileSystemOptions.MinPartSizeMiB * 1024L * 1024L;
        long copied = 0;
        if (offset >= minPart)
        {
            await _upload.StartAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                for (long first = 0; first < offset;)
                {
                    long last = Math.Min(offset, first + _fs.MaxSingleCopyBytes) - 1;
                    // A remainder under 5 MiB would make a too-small last copied part: leave 5 MiB for it.
                    if (offset - (last + 1) is > 0 and < minPart)
                    {
                        last = offset - minPart - 1;
                    }
                    await _upload.CopyPartAsync(_nextPart, _key, first, last, cancellationToken).ConfigureAwait(false);
                    _nextPart++;
                    first = last + 1;
                }
                copied = offset;
            }
            catch (VfsException ex) when (_nextPart == 1 && ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotImplemented })
            {
                // No UploadPartCopy on this service: stream the bytes instead.
            }
        }
        await SeedAsync(copied, offset, ReadExistingAsync, cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(S3Entries.File(_name, Position, DateTime.UtcNow));

    protected override async ValueTask<int> NextPartAsync(CancellationToken cancellationToken)
    {
        if (!_upload.Started)
        {
            await _upload.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        return _nextPart++;
    }

    protected override ValueTask UploadPartAsync(int part, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _upload.UploadPartAsync(part, data, cancellationToken);

    protected override async ValueTask PutWholeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _fs.Bucket,
            Key = _key,
            InputStream = S3MultipartUpload.AsStream(data),
            AutoCloseStream = true,
        };
        _fs.ApplyWriteSettings(request);
        await _fs.CallAsync("PutObject", _key, () => _fs.Client.PutObjectAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    protected override ValueTask CommitAsync(CancellationToken cancellationToken) => _upload.CompleteAsync(cancellationToken);

    protected override async ValueTask AbortAsync()
    {
        await _upload.AbortIfOpenAsync().ConfigureAwait(false);
        S3Log.UploadAborted(_fs.Logger, _key, Position);
    }

    protected override void OnCompleted() => S3Log.UploadCompleted(_fs.Logger, _key, Position, Math.Max(1, _upload.PartCount));

    protected override void OnKeptPartial() => S3Log.UploadKeptPartial(_fs.Logger, _key, Position);

    /// <summary>One ranged GET of the object as stored (for a resumed upload).</summary>
    private async ValueTask<int> ReadExistingAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest { BucketName = _fs.Bucket, Key = _key, ByteRange = new ByteRange(offset, offset + buffer.Length - 1) };
        S3Reader.ApplySse(_fs, request);
        using var response = await _fs.CallAsync("GetObject", _key, () => _fs.Client.GetObjectAsync(request, cancellationToken)).ConfigureAwait(false);
        return await _fs.CallAsync("GetObject", _key, () => response.ResponseStream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).AsTask()).ConfigureAwait(false);
    }
}
