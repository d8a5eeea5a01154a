namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends: positional reads of one object. Sequential reads are served from a window of parts
/// fetched by parallel ranged GETs: the part being read, one behind (for requests that arrive slightly out of order)
/// and up to the read-ahead count ahead (at least 1), each a buffer of exactly the part size from
/// <see cref="ObjectPartBufferPool.Shared"/>, so a reader holds at most part size × (read-ahead + 1) bytes. A read
/// outside the window (resume, random access) is one ranged fetch of exactly the bytes asked for. A window part
/// that fails with <see cref="VfsError.Failure"/> is fetched once more (<see cref="OnPartRetried"/>); one that
/// takes longer than the part time limit fails with "Storage request timed out.". A fetch that returns fewer
/// bytes than asked for fails with "The file changed while reading.". The subclass pins every fetch to the
/// version seen at open (an ETag, a version id), so a file replaced mid-download fails instead of mixing versions.
/// </summary>
public abstract class ObjectReadAheadReader : IVfsReader
{
    private readonly VfsFileInfo _info;
    private readonly int _partSize;
    private readonly int _ahead;
    private readonly TimeSpan _partMaxTime;
    private readonly Dictionary<long, Part> _window = [];
    private readonly CancellationTokenSource _lifetime = new();
    private long _expected;
    private bool _disposed;

    /// <summary>A reader of the object described by <paramref name="info"/> (its size bounds every read).</summary>
    /// <param name="info">The attributes seen at open; <see cref="VfsFileInfo.Size"/> is the object's length.</param>
    /// <param name="partSize">Bytes per window part (and per pooled buffer); positive.</param>
    /// <param name="readAhead">Parts fetched from the one being read on; values below 1 mean 1.</param>
    /// <param name="partMaxTime">Time limit of one window part's fetch; zero or less for none.</param>
    protected ObjectReadAheadReader(VfsFileInfo info, int partSize, int readAhead, TimeSpan partMaxTime)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partSize);
        _info = info;
        _partSize = partSize;
        _ahead = Math.Max(1, readAhead);
        _partMaxTime = partMaxTime;
    }

    /// <inheritdoc/>
    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_info);

    /// <inheritdoc/>
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

    /// <summary>Cancels the fetches under way and gives the window's buffers back (each once no read holds it).</summary>
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
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// One ranged request for the bytes at <paramref name="offset"/>, pinned to the version seen at open: reads
    /// until <paramref name="buffer"/> is full or the response ends, and returns the bytes read. Storage errors are
    /// thrown as <see cref="VfsException"/> (mapped by the subclass).
    /// </summary>
    protected abstract ValueTask<int> FetchAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Logs that window part <paramref name="part"/> (0-based) failed and is fetched again.</summary>
    protected abstract void OnPartRetried(long part, Exception exception);

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
                if (_partMaxTime > TimeSpan.Zero)
                {
                    linked.CancelAfter(_partMaxTime);
                }
                try
                {
                    await GetAsync(part.Start, part.Buffer.AsMemory(0, part.Length), linked.Token).ConfigureAwait(false);
                    return;
                }
                catch (VfsException ex) when (attempt < 2 && ex.Error == VfsError.Failure && !_lifetime.IsCancellationRequested)
                {
                    OnPartRetried(index, ex);
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

    /// <summary>One ranged fetch filling <paramref name="buffer"/> exactly.</summary>
    private async ValueTask GetAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = await FetchAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
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
