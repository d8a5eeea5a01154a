using Amazon.S3;
using Amazon.S3.Model;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// Positional reads of one object. Sequential reads are served from a window of parts fetched by parallel ranged
/// GETs: the part being read, one behind (for requests that arrive slightly out of order) and up to
/// <see cref="S3FileSystemOptions.DownloadConcurrency"/> ahead, each a pooled buffer of the download part size. A read
/// outside the window (resume, random access) is one ranged GET of exactly the bytes asked for. Every GET carries
/// the ETag seen at open (If-Match), so a file replaced mid-download fails instead of mixing versions.
/// </summary>
internal sealed class S3Reader : IVfsReader
{
    private readonly S3FileSystem _fs;
    private readonly string _key;
    private readonly VfsFileInfo _info;
    private readonly string? _etag;
    private readonly int _partSize;
    private readonly int _ahead;
    private readonly Dictionary<long, Part> _window = [];
    private readonly CancellationTokenSource _lifetime = new();
    private long _expected;
    private bool _disposed;

    public S3Reader(S3FileSystem fs, string key, VfsFileInfo info, string? etag)
    {
        _fs = fs;
        _key = key;
        _info = info;
        _etag = etag;
        _partSize = checked((int)fs.Options.DownloadPartSize);
        _ahead = Math.Max(1, fs.Options.DownloadConcurrency);
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_info);

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long size = _info.Size;
        if (offset >= size || buffer.IsEmpty)
        {
            return 0;
        }
        int count = (int)Math.Min(buffer.Length, size - offset);
        int done = 0;
        while (done < count)
        {
            long at = offset + done;
            var part = Acquire(at, offset + count);
            if (part is null)
            {
                await ReadRangeAsync(at, buffer.Slice(done, count - done), cancellationToken).ConfigureAwait(false);
                return count;
            }
            try
            {
                await part.Loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
                int inPart = (int)(at - part.Start);
                int n = Math.Min(count - done, part.Length - inPart);
                part.Buffer.AsMemory(inPart, n).CopyTo(buffer[done..]);
                done += n;
            }
            finally
            {
                part.Release();
            }
        }
        return count;
    }

    public ValueTask DisposeAsync()
    {
        lock (_window)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }
            _disposed = true;
            foreach (var part in _window.Values)
            {
                part.Release();
            }
            _window.Clear();
        }
        _lifetime.Cancel();
        _lifetime.Dispose();
        return ValueTask.CompletedTask;
    }

    internal static void ApplySse(S3FileSystem fs, GetObjectRequest request)
    {
        if (fs.Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
    }

    /// <summary>
    /// The window part holding <paramref name="offset"/>, with a reference taken, when the read continues the
    /// stream (or falls in the window); null for a random read.
    /// </summary>
    private Part? Acquire(long offset, long end)
    {
        long index = offset / _partSize;
        lock (_window)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            bool sequential = offset == _expected || _window.ContainsKey(index) || _window.ContainsKey(index - 1);
            if (!sequential)
            {
                _expected = end;
                return null;
            }
            foreach (var stale in _window.Keys.Where(k => k < index - 1).ToList())
            {
                _window.Remove(stale, out var old);
                old!.Release();
            }
            long lastPart = (_info.Size - 1) / _partSize;
            for (long i = index; i <= Math.Min(lastPart, index + _ahead - 1); i++)
            {
                if (!_window.ContainsKey(i))
                {
                    _window[i] = StartPart(i);
                }
            }
            var part = _window[index];
            part.AddRef();
            _expected = end;
            return part;
        }
    }

    private Part StartPart(long index)
    {
        long start = index * _partSize;
        int length = (int)Math.Min(_partSize, _info.Size - start);
        var part = new Part(start, length, ObjectPartBufferPool.Shared.Rent(_partSize));
        part.Loaded = LoadAsync(part, index);
        return part;
    }

    private async Task LoadAsync(Part part, long index)
    {
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                if (_fs.Options.DownloadPartMaxTime > TimeSpan.Zero)
                {
                    linked.CancelAfter(_fs.Options.DownloadPartMaxTime);
                }
                try
                {
                    await GetAsync(part.Start, part.Buffer.AsMemory(0, part.Length), linked.Token).ConfigureAwait(false);
                    return;
                }
                catch (VfsException ex) when (attempt < 2 && ex.Error == VfsError.Failure && !_lifetime.IsCancellationRequested)
                {
                    S3Log.PartRetried(_fs.Logger, _key, index, ex);
                }
                catch (OperationCanceledException ex) when (!_lifetime.IsCancellationRequested)
                {
                    throw new VfsException(VfsError.Failure, "Storage request timed out.", ex);
                }
            }
        }
        finally
        {
            part.Release();
        }
    }

    private async ValueTask ReadRangeAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancellationToken);
        await GetAsync(offset, buffer, linked.Token).ConfigureAwait(false);
    }

    /// <summary>One ranged GET filling <paramref name="buffer"/> exactly.</summary>
    private async ValueTask GetAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
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
        int read = await _fs.CallAsync("GetObject", _key,
            () => response.ResponseStream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).AsTask()).ConfigureAwait(false);
        if (read != buffer.Length)
        {
            throw new VfsException(VfsError.Failure, "The file changed while reading.");
        }
    }

    /// <summary>A window part; its buffer returns to the pool when the window and every reader (and the loader) let go.</summary>
    private sealed class Part
    {
        private int _references = 2; // the window and the loader

        public Part(long start, int length, byte[] buffer)
        {
            Start = start;
            Length = length;
            Buffer = buffer;
        }

        public long Start { get; }

        public int Length { get; }

        public byte[] Buffer { get; }

        public Task Loaded { get; set; } = Task.CompletedTask;

        public void AddRef() => Interlocked.Increment(ref _references);

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                ObjectPartBufferPool.Shared.Return(Buffer);
            }
        }
    }
}
