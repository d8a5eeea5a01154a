namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends: a sequential upload into one object, sent in parts. Bytes fill one buffer of
/// exactly the part size from <see cref="ObjectPartBufferPool.Shared"/>; a full buffer goes out as one part
/// (<see cref="UploadPartAsync"/>) while the next fills, with at most the concurrency (at least 1) parts in flight,
/// so an upload never holds more than part size × (concurrency + 1) in memory and never writes a local file. With a
/// concurrency of 1 each part is waited for before the next buffer fills. A file that fits one part is one
/// single-request upload (<see cref="PutWholeAsync"/>). Every part and the single-request upload are limited to the
/// part time limit. Nothing is visible until <see cref="CompleteAsync"/> commits; disposing first cancels the parts
/// in flight and abandons the upload (<see cref="AbortAsync"/>), or, when partial uploads are kept and nothing
/// failed, completes it with what arrived (within 5 minutes). The first failed part fails every later call
/// (a non-<see cref="VfsException"/> as "Storage request failed.").
/// </summary>
public abstract class ObjectPartWriter : IVfsWriter
{
    private readonly int _partSize;
    private readonly int _concurrency;
    private readonly TimeSpan _partMaxTime;
    private readonly bool _keepPartialUploads;
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _lifetime = new();
    private byte[]? _buffer;
    private int _filled;
    private long _position;
    private bool _completed;
    private Exception? _failure;

    /// <summary>A writer sending parts of <paramref name="partSize"/> bytes.</summary>
    /// <param name="partSize">Bytes per part (and per pooled buffer); positive.</param>
    /// <param name="concurrency">Parts in flight at once; values below 1 mean 1 (each part waited for).</param>
    /// <param name="partMaxTime">Time limit of one part or single-request upload; zero or less for none.</param>
    /// <param name="keepPartialUploads">Whether disposing an unfinished upload completes it with what arrived.</param>
    protected ObjectPartWriter(int partSize, int concurrency, TimeSpan partMaxTime, bool keepPartialUploads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partSize);
        _partSize = partSize;
        _concurrency = Math.Max(1, concurrency);
        _partMaxTime = partMaxTime;
        _keepPartialUploads = keepPartialUploads;
    }

    /// <inheritdoc/>
    public long Position => _position;

    /// <summary>
    /// Whether the upload goes out in parts (a part was sent, kept or copied, or the multipart upload was started);
    /// when false, <see cref="CompleteAsync"/> sends the buffer with <see cref="PutWholeAsync"/>.
    /// </summary>
    protected abstract bool HasParts { get; }

    /// <inheritdoc/>
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

    /// <summary>A no-op: nothing is durable before <see cref="CompleteAsync"/>.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        if (_completed)
        {
            return;
        }
        if (!HasParts)
        {
            using var linked = PartToken(cancellationToken);
            var data = _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _filled);
            await PutWholeAsync(data, linked.Token).ConfigureAwait(false);
        }
        else
        {
            if (_filled > 0)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        _completed = true;
        OnCompleted();
    }

    /// <inheritdoc/>
    public abstract ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a resumed upload with the first <paramref name="offset"/> bytes of the object as stored (kept or copied
    /// server-side where the storage can, else read back with <see cref="SeedAsync"/>). Only before the first write.
    /// </summary>
    public abstract ValueTask ResumeAsync(long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Completes the upload (see <see cref="ObjectPartWriter"/>) or abandons it, and gives the buffer back.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            bool keep = _keepPartialUploads && _failure is null;
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
                    OnKeptPartial();
                }
                catch (Exception ex) when (ex is VfsException or OperationCanceledException)
                {
                    _failure ??= ex;
                }
            }
            if (!_completed)
            {
                await AbortAsync().ConfigureAwait(false);
            }
        }
        if (_buffer is not null)
        {
            ObjectPartBufferPool.Shared.Return(_buffer);
            _buffer = null;
        }
        _lifetime.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Starts a resumed upload at <paramref name="offset"/>: the first <paramref name="keptBytes"/> are already part
    /// of it (parts the subclass kept or copied server-side), the rest up to <paramref name="offset"/> are read back
    /// with <paramref name="readExisting"/> (at most one part's room at a time) through the part buffer and sent as
    /// parts. A read returning fewer bytes than asked for fails with "The file changed while resuming.". Only before
    /// the first write.
    /// </summary>
    /// <param name="keptBytes">Bytes already in the upload; 0 to <paramref name="offset"/>.</param>
    /// <param name="offset">Where the upload resumes.</param>
    /// <param name="readExisting">Reads the stored object at an offset until the buffer is full or the object ends; returns the bytes read.</param>
    /// <param name="cancellationToken">Cancels the reads and the parts' start.</param>
    protected async ValueTask SeedAsync(long keptBytes, long offset, Func<long, Memory<byte>, CancellationToken, ValueTask<int>> readExisting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readExisting);
        ArgumentOutOfRangeException.ThrowIfNegative(keptBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keptBytes, offset);
        if (_position != 0 || _completed)
        {
            throw new InvalidOperationException("Only a new upload can be seeded.");
        }
        _position = keptBytes;
        while (_position < offset)
        {
            var buffer = Buffer();
            int want = (int)Math.Min(_partSize - _filled, offset - _position);
            int read = await readExisting(_position, buffer.AsMemory(_filled, want), cancellationToken).ConfigureAwait(false);
            if (read != want)
            {
                throw new VfsException(VfsError.Failure, "The file changed while resuming.");
            }
            _filled += want;
            _position += want;
            if (_filled == _partSize)
            {
                await SendPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Claims the next part once a slot is free (starting the multipart upload first when needed, refusing a part
    /// beyond the storage's limit) and returns its number, which <see cref="UploadPartAsync"/> receives.
    /// </summary>
    protected abstract ValueTask<int> NextPartAsync(CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="data"/> as part <paramref name="part"/>; runs alongside other parts and the writes.</summary>
    protected abstract ValueTask UploadPartAsync(int part, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Stores the whole file, <paramref name="data"/> (possibly empty), in one request.</summary>
    protected abstract ValueTask PutWholeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the uploaded parts the object, once every part has been sent.</summary>
    protected abstract ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Abandons an unfinished upload on dispose (removing what the storage keeps, where it must); never throws for storage failures.</summary>
    protected abstract ValueTask AbortAsync();

    /// <summary>Logs the completed upload (<see cref="Position"/> is its size).</summary>
    protected abstract void OnCompleted();

    /// <summary>Logs an interrupted upload completed with what arrived (<see cref="Position"/> bytes) for resume.</summary>
    protected abstract void OnKeptPartial();

    private byte[] Buffer() => _buffer ??= ObjectPartBufferPool.Shared.Rent(_partSize);

    /// <summary>Sends the full (or last) buffer as the next part, first waiting for a free slot.</summary>
    private async ValueTask SendPartAsync(CancellationToken cancellationToken)
    {
        while (_inFlight.Count >= _concurrency)
        {
            var done = await Task.WhenAny(_inFlight).ConfigureAwait(false);
            _inFlight.Remove(done);
            ThrowIfFailed();
        }
        int part = await NextPartAsync(cancellationToken).ConfigureAwait(false);
        var buffer = _buffer!;
        int length = _filled;
        _buffer = null;
        _filled = 0;
        _inFlight.Add(Task.Run(() => UploadAsync(part, buffer, length), CancellationToken.None));
        if (_concurrency <= 1)
        {
            // One part at a time: wait for it before filling the next buffer.
            await DrainAsync().ConfigureAwait(false);
            ThrowIfFailed();
        }
    }

    private async Task UploadAsync(int part, byte[] buffer, int length)
    {
        try
        {
            using var linked = PartToken(CancellationToken.None);
            await UploadPartAsync(part, buffer.AsMemory(0, length), linked.Token).ConfigureAwait(false);
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
        if (_partMaxTime > TimeSpan.Zero)
        {
            linked.CancelAfter(_partMaxTime);
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
