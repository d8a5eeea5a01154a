using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// A sequential upload into one object. Bytes fill a pooled part buffer; a full buffer goes out as one UploadPart
/// while the next fills, with at most <see cref="S3FileSystemOptions.UploadConcurrency"/> parts in flight, so an
/// upload never holds more than part size × (concurrency + 1). A file that fits one part is one PutObject. Nothing
/// is visible until <see cref="CompleteAsync"/>; disposing first aborts the multipart upload (or completes it with
/// what arrived when <see cref="S3FileSystemOptions.KeepPartialUploads"/> is set).
/// </summary>
internal sealed class S3Writer : IVfsWriter
{
    private readonly S3FileSystem _fs;
    private readonly string _key;
    private readonly string _name;
    private readonly int _partSize;
    private readonly int _concurrency;
    private readonly S3MultipartUpload _upload;
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _lifetime = new();
    private byte[]? _buffer;
    private int _filled;
    private int _nextPart = 1;
    private long _position;
    private bool _completed;
    private Exception? _failure;

    public S3Writer(S3FileSystem fs, string key, string name)
    {
        _fs = fs;
        _key = key;
        _name = name;
        _partSize = checked((int)fs.Options.UploadPartSize);
        _concurrency = Math.Max(1, fs.Options.UploadConcurrency);
        _upload = new S3MultipartUpload(fs, key);
    }

    public long Position => _position;

    /// <summary>
    /// Starts a resumed upload with the first <paramref name="offset"/> bytes of the existing object: copied
    /// server-side as parts (UploadPartCopy) when there are at least 5 MiB, else, or where the service lacks
    /// UploadPartCopy, read back through the part buffer with ranged GETs.
    /// </summary>
    public async ValueTask SeedFromExistingAsync(long offset, CancellationToken cancellationToken)
    {
        const long minPart = S3FileSystemOptions.MinPartSizeMiB * 1024L * 1024L;
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
                _position = offset;
                return;
            }
            catch (VfsException ex) when (_nextPart == 1 && ex.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotImplemented })
            {
                // No UploadPartCopy on this service: stream the bytes instead.
            }
        }
        while (_position < offset)
        {
            var buffer = Buffer();
            int want = (int)Math.Min(_partSize - _filled, offset - _position);
            var request = new GetObjectRequest { BucketName = _fs.Bucket, Key = _key, ByteRange = new ByteRange(_position, _position + want - 1) };
            S3Reader.ApplySse(_fs, request);
            using (var response = await _fs.CallAsync("GetObject", _key, () => _fs.Client.GetObjectAsync(request, cancellationToken)).ConfigureAwait(false))
            {
                int read = await _fs.CallAsync("GetObject", _key, () => response.ResponseStream.ReadAtLeastAsync(buffer.AsMemory(_filled, want), want, throwOnEndOfStream: false, cancellationToken).AsTask()).ConfigureAwait(false);
                if (read != want)
                {
                    throw new VfsException(VfsError.Failure, "The file changed while resuming.");
                }
            }
            _filled += want;
            _position += want;
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!data.IsEmpty)
        {
            var buffer = Buffer();
            int n = Math.Min(data.Length, _partSize - _filled);
            data[..n].CopyTo(buffer.AsMemory(_filled));
            _filled += n;
            _position += n;
            data = data[n..];
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (_completed)
        {
            return;
        }
        if (!_upload.Started)
        {
            await PutWholeAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (_filled > 0)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
            await _upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        _completed = true;
        S3Log.UploadCompleted(_fs.Logger, _key, _position, Math.Max(1, _upload.PartCount));
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(S3Entries.File(_name, _position, DateTime.UtcNow));

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            bool keep = _fs.Options.KeepPartialUploads && _failure is null;
            if (!keep)
            {
                await _lifetime.CancelAsync().ConfigureAwait(false);
            }
            await DrainAsync().ConfigureAwait(false);
            if (keep && _failure is null)
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                    await CompleteAsync(timeout.Token).ConfigureAwait(false);
                    S3Log.UploadKeptPartial(_fs.Logger, _key, _position);
                }
                catch (Exception ex) when (ex is VfsException or OperationCanceledException)
                {
                    _failure ??= ex;
                }
            }
            if (!_completed)
            {
                await _upload.AbortIfOpenAsync().ConfigureAwait(false);
                S3Log.UploadAborted(_fs.Logger, _key, _position);
            }
        }
        if (_buffer is not null)
        {
            ObjectPartBufferPool.Shared.Return(_buffer);
            _buffer = null;
        }
        _lifetime.Dispose();
    }

    private byte[] Buffer() => _buffer ??= ObjectPartBufferPool.Shared.Rent(_partSize);

    private async ValueTask PutWholeAsync(CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _fs.Bucket,
            Key = _key,
            InputStream = S3MultipartUpload.AsStream(_buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _filled)),
            AutoCloseStream = true,
        };
        _fs.ApplyWriteSettings(request);
        using var linked = PartToken(cancellationToken);
        await _fs.CallAsync("PutObject", _key, () => _fs.Client.PutObjectAsync(request, linked.Token)).ConfigureAwait(false);
    }

    /// <summary>Sends the full (or last) buffer as the next part, first waiting for a free slot.</summary>
    private async ValueTask SendPartAsync(CancellationToken cancellationToken)
    {
        if (!_upload.Started)
        {
            await _upload.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        while (_inFlight.Count >= _concurrency)
        {
            var done = await Task.WhenAny(_inFlight).ConfigureAwait(false);
            _inFlight.Remove(done);
            ThrowIfFailed();
        }
        var buffer = _buffer!;
        int length = _filled;
        int part = _nextPart++;
        _buffer = null;
        _filled = 0;
        _inFlight.Add(Task.Run(() => UploadPartAsync(part, buffer, length), CancellationToken.None));
        if (_fs.Options.UploadConcurrency <= 1)
        {
            // One part at a time: wait for it before filling the next buffer.
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
        }
    }

    private async Task UploadPartAsync(int part, byte[] buffer, int length)
    {
        try
        {
            using var linked = PartToken(CancellationToken.None);
            await _upload.UploadPartAsync(part, buffer.AsMemory(0, length), linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _failure ??= ex;
        }
        finally
        {
            ObjectPartBufferPool.Shared.Return(buffer);
        }
    }

    private CancellationTokenSource PartToken(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancellationToken);
        if (_fs.Options.UploadPartMaxTime > TimeSpan.Zero)
        {
            linked.CancelAfter(_fs.Options.UploadPartMaxTime);
        }
        return linked;
    }

    private async ValueTask DrainAsync()
    {
        await Task.WhenAll(_inFlight).ConfigureAwait(false);
        _inFlight.Clear();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw failure as VfsException ?? new VfsException(VfsError.Failure, "Storage request failed.", failure);
        }
    }
}
