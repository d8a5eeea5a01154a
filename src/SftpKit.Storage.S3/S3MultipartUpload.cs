using Amazon.S3;
using Amazon.S3.Model;

namespace SftpKit.Storage.S3;

/// <summary>
/// One multipart upload: parts (sent or copied) are collected with their ETags; the object appears only on
/// <see cref="CompleteAsync"/>, and <see cref="AbortIfOpenAsync"/> removes every part of an unfinished one.
/// </summary>
internal sealed class S3MultipartUpload
{
    private readonly S3FileSystem _fs;
    private readonly string _key;
    private readonly List<PartETag> _parts = [];
    private string? _uploadId;
    private bool _finished;

    public S3MultipartUpload(S3FileSystem fs, string key)
    {
        _fs = fs;
        _key = key;
    }

    public bool Started => _uploadId is not null;

    public int PartCount
    {
        get
        {
            lock (_parts)
            {
                return _parts.Count;
            }
        }
    }

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        var request = new InitiateMultipartUploadRequest { BucketName = _fs.Bucket, Key = _key };
        var options = _fs.Options;
        if (options.StorageClass is { Length: > 0 } storageClass)
        {
            request.StorageClass = S3StorageClass.FindValue(storageClass);
        }
        if (options.Acl is { Length: > 0 } acl)
        {
            request.CannedACL = S3CannedACL.FindValue(acl);
        }
        if (options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
        if (_fs.Checksum is { } checksum)
        {
            request.ChecksumAlgorithm = checksum;
        }
        var response = await _fs.CallAsync("CreateMultipartUpload", _key, () => _fs.Client.InitiateMultipartUploadAsync(request, cancellationToken)).ConfigureAwait(false);
        _uploadId = response.UploadId;
    }

    public async ValueTask UploadPartAsync(int partNumber, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var stream = AsStream(data);
        var request = new UploadPartRequest
        {
            BucketName = _fs.Bucket,
            Key = _key,
            UploadId = _uploadId,
            PartNumber = partNumber,
            InputStream = stream,
            PartSize = data.Length,
            UseChunkEncoding = _fs.Options.UseChunkEncoding,
            DisablePayloadSigning = _fs.Options.DisablePayloadSigning,
        };
        if (_fs.Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
        if (_fs.Checksum is { } checksum)
        {
            request.ChecksumAlgorithm = checksum;
        }
        var response = await _fs.CallAsync("UploadPart", _key, () => _fs.Client.UploadPartAsync(request, cancellationToken)).ConfigureAwait(false);
        Add(new PartETag(partNumber, response.ETag)
        {
            ChecksumCRC32 = response.ChecksumCRC32,
            ChecksumCRC32C = response.ChecksumCRC32C,
            ChecksumCRC64NVME = response.ChecksumCRC64NVME,
            ChecksumSHA1 = response.ChecksumSHA1,
            ChecksumSHA256 = response.ChecksumSHA256,
        });
    }

    public async ValueTask CopyPartAsync(int partNumber, string sourceKey, long firstByte, long lastByte, CancellationToken cancellationToken)
    {
        var request = new CopyPartRequest
        {
            SourceBucket = _fs.Bucket,
            SourceKey = sourceKey,
            DestinationBucket = _fs.Bucket,
            DestinationKey = _key,
            UploadId = _uploadId,
            PartNumber = partNumber,
            FirstByte = firstByte,
            LastByte = lastByte,
        };
        if (_fs.Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
            request.CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.CopySourceServerSideEncryptionCustomerProvidedKey = sse;
        }
        var response = await _fs.CallAsync("UploadPartCopy", _key, () => _fs.Client.CopyPartAsync(request, cancellationToken)).ConfigureAwait(false);
        Add(new PartETag(partNumber, response.ETag)
        {
            ChecksumCRC32 = response.ChecksumCRC32,
            ChecksumCRC32C = response.ChecksumCRC32C,
            ChecksumCRC64NVME = response.ChecksumCRC64NVME,
            ChecksumSHA1 = response.ChecksumSHA1,
            ChecksumSHA256 = response.ChecksumSHA256,
        });
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        List<PartETag> parts;
        lock (_parts)
        {
            parts = _parts.OrderBy(p => p.PartNumber).ToList();
        }
        var request = new CompleteMultipartUploadRequest { BucketName = _fs.Bucket, Key = _key, UploadId = _uploadId, PartETags = parts };
        await _fs.CallAsync("CompleteMultipartUpload", _key, () => _fs.Client.CompleteMultipartUploadAsync(request, cancellationToken)).ConfigureAwait(false);
        _finished = true;
    }

    /// <summary>Aborts the upload unless it completed; failures are logged (a lifecycle rule is the backstop).</summary>
    public async ValueTask AbortIfOpenAsync()
    {
        if (_uploadId is null || _finished)
        {
            return;
        }
        _finished = true;
        using var span = S3Telemetry.Start("AbortMultipartUpload");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _fs.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _fs.Bucket, Key = _key, UploadId = _uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Errors.IsStorageFailure(ex) || ex is OperationCanceledException)
        {
            S3Log.AbortFailed(_fs.Logger, _key, _uploadId, ex);
        }
    }

    internal static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    private void Add(PartETag part)
    {
        lock (_parts)
        {
            _parts.Add(part);
        }
    }
}
