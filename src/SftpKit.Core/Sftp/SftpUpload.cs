using System.Buffers;
using System.Diagnostics.Metrics;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Bridges SFTP's positional WRITEs onto a sequential <see cref="IVfsWriter"/>. In-order data streams straight
/// through. Data ahead of the stream waits in a bounded reorder window; past the window the upload switches to
/// <see cref="IVfsRandomAccessWriter.WriteAtAsync"/> when the writer has it, otherwise it spills to a temporary file
/// that is streamed into the writer when the handle is closed. A client is never failed for writing out of order;
/// only rewriting bytes already streamed to a sequential-only writer is refused (OP_UNSUPPORTED).
/// </summary>
internal sealed class SftpUpload : IAsyncDisposable
{
    private const int SpillCopyChunk = 256 * 1024;
    private const string SpillPrefix = "sftpkit-spill-";

    /// <summary>On SftpKit's one meter (<see cref="SftpKitMeter.Name"/>): <c>sftpkit.uploads.reordered</c> counts uploads that left the in-order stream, by <c>how</c> (temporary_file, random_access).</summary>
    internal static readonly Meter Meter = new(SftpKitMeter.Name);
    private static readonly Counter<long> Reordered = Meter.CreateCounter<long>("sftpkit.uploads.reordered", "{upload}", "Uploads that went past the reorder window, by how they were bridged.");
    private static long _lastSweepTicks;

    private readonly string _tempDirectory;
    private readonly TimeSpan _tempLifespan;

    private readonly long _windowBytes;
    private readonly SortedDictionary<long, byte[]> _pending = new();
    private long _pendingBytes;
    private long _next;
    private bool _randomAccess;
    private FileStream? _spill;
    private long _spillBase;
    private long _spillEnd;
    private long _end;

    public SftpUpload(IVfsWriter writer, long windowBytes, string? tempDirectory = null, TimeSpan? tempLifespan = null)
    {
        _writer = writer;
        _tempDirectory = string.IsNullOrEmpty(tempDirectory) ? Path.GetTempPath() : tempDirectory;
        _tempLifespan = tempLifespan ?? TimeSpan.FromHours(24);
        _windowBytes = windowBytes;
        _next = writer.Position;
        _end = writer.Position;
    }

    /// <summary>The storage writer; once the upload is disposed (e.g. released after a failed write), a failure.</summary>
    public IVfsWriter Writer => _disposed ? throw new VfsException(VfsError.Failure, "Upload failed.") : _writer;

    private readonly IVfsWriter _writer;

    /// <summary>One past the highest byte written so far (where an APPEND without a known offset goes).</summary>
    public long End => _end;

    /// <summary>True once data went anywhere but the in-order stream (tests and logs).</summary>
    public bool UsedRandomAccess => _randomAccess;

    public bool Spilled => _spill is not null;

    /// <summary>
    /// True once a write failed (quota, size limit, storage error): the upload is then never completed, so an atomic
    /// upload leaves nothing under the target name.
    /// </summary>
    public bool Faulted { get; set; }

    /// <summary>Why the first failed write failed; later requests on the handle report the same reason.</summary>
    public VfsError FaultError { get; set; } = VfsError.Failure;

    /// <summary>The error for a request on a faulted upload: the first failure's reason (e.g. no space left).</summary>
    public VfsException FaultException() => new(FaultError, "Upload failed.");

    private bool _disposed;

    public async ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }
        _end = Math.Max(_end, offset + data.Length);
        if (_randomAccess)
        {
            await ((IVfsRandomAccessWriter)Writer).WriteAtAsync(offset, data, cancellationToken);
            return;
        }
        if (_spill is not null && offset >= _spillBase)
        {
            await RandomAccess.WriteAsync(_spill.SafeFileHandle, data, offset - _spillBase, cancellationToken);
            _spillEnd = Math.Max(_spillEnd, offset + data.Length);
            return;
        }
        if (offset == _next)
        {
            await Writer.WriteAsync(data, cancellationToken);
            _next += data.Length;
            await DrainAsync(cancellationToken);
            return;
        }
        if (offset < _next)
        {
            await RewriteAsync(offset, data, cancellationToken);
            return;
        }
        if (_pendingBytes + data.Length <= _windowBytes)
        {
            if (_pending.Remove(offset, out var replaced))
            {
                _pendingBytes -= replaced.Length;
            }
            _pending.Add(offset, data.ToArray());
            _pendingBytes += data.Length;
            return;
        }
        if (Writer is IVfsRandomAccessWriter randomWriter)
        {
            _randomAccess = true;
            foreach (var (pendingOffset, pendingData) in _pending)
            {
                await randomWriter.WriteAtAsync(pendingOffset, pendingData, cancellationToken);
            }
            ClearPending();
            await randomWriter.WriteAtAsync(offset, data, cancellationToken);
            return;
        }
        await StartSpillAsync(cancellationToken);
        await WriteAsync(offset, data, cancellationToken);
    }

    /// <summary>
    /// Hands the writer to a copy that writes by itself (server-side copy-data): data held back for reordering is
    /// written first and the upload goes positional from here on. Null when the writer is sequential-only or data has
    /// spilled to a temporary file; the caller then writes through <see cref="WriteAsync"/>.
    /// </summary>
    public async ValueTask<IVfsRandomAccessWriter?> BeginDirectWriteAsync(CancellationToken cancellationToken)
    {
        if (Writer is not IVfsRandomAccessWriter randomWriter || _spill is not null)
        {
            return null;
        }
        _randomAccess = true;
        foreach (var (pendingOffset, pendingData) in _pending)
        {
            await randomWriter.WriteAtAsync(pendingOffset, pendingData, cancellationToken);
        }
        ClearPending();
        return randomWriter;
    }

    /// <summary>Records <paramref name="count"/> bytes written at <paramref name="offset"/> by a direct copy.</summary>
    public void NoteDirectWrite(long offset, long count)
    {
        if (count > 0)
        {
            _end = Math.Max(_end, offset + count);
        }
    }

    /// <summary>Reads back what was written, where the writer can (a handle opened read-write).</summary>
    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (Writer is not IVfsRandomAccessWriter randomWriter)
        {
            throw new VfsException(VfsError.Unsupported, "Reading an upload needs random access.");
        }
        // Buffered out-of-order data must be visible to the reader, so it goes to the writer first.
        if (_pending.Count > 0)
        {
            _randomAccess = true;
            foreach (var (pendingOffset, pendingData) in _pending)
            {
                await randomWriter.WriteAtAsync(pendingOffset, pendingData, cancellationToken);
            }
            ClearPending();
        }
        return await randomWriter.ReadAtAsync(offset, buffer, cancellationToken);
    }

    /// <summary>Writes everything still held back (gaps read as zeros, as in a sparse file) into the writer.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_randomAccess)
        {
            return;
        }
        if (_spill is null)
        {
            foreach (var (offset, data) in _pending)
            {
                if (offset > _next)
                {
                    await WriteZerosAsync(offset - _next, cancellationToken);
                }
                int skip = (int)Math.Min(data.Length, _next - offset);
                if (skip < data.Length)
                {
                    await Writer.WriteAsync(data.AsMemory(skip), cancellationToken);
                    _next += data.Length - skip;
                }
            }
            ClearPending();
            return;
        }
        byte[] chunk = ArrayPool<byte>.Shared.Rent(SpillCopyChunk);
        try
        {
            long length = _spillEnd - _spillBase;
            for (long position = 0; position < length;)
            {
                int want = (int)Math.Min(chunk.Length, length - position);
                int read = await RandomAccess.ReadAsync(_spill.SafeFileHandle, chunk.AsMemory(0, want), position, cancellationToken);
                if (read == 0)
                {
                    // Past the temp file's end (a hole at the tail): zeros.
                    Array.Clear(chunk, 0, want);
                    read = want;
                }
                await Writer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
                position += read;
            }
            _next = _spillEnd;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        ClearPending();
        if (_spill is not null)
        {
            await _spill.DisposeAsync();
            _spill = null;
        }
        await _writer.DisposeAsync();
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        while (_pending.Count > 0)
        {
            var (offset, data) = _pending.First();
            if (offset > _next)
            {
                return;
            }
            _pending.Remove(offset);
            _pendingBytes -= data.Length;
            long skip = _next - offset;
            if (skip < data.Length)
            {
                await Writer.WriteAsync(data.AsMemory((int)skip), cancellationToken);
                _next += data.Length - skip;
            }
        }
    }

    private async ValueTask RewriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Writer is IVfsRandomAccessWriter randomWriter)
        {
            long overlap = Math.Min(data.Length, _next - offset);
            await randomWriter.WriteAtAsync(offset, data[..(int)overlap], cancellationToken);
            if (overlap < data.Length)
            {
                await WriteAsync(_next, data[(int)overlap..], cancellationToken);
            }
            return;
        }
        throw new VfsException(VfsError.Unsupported, "The storage cannot rewrite data already uploaded.");
    }

    private async ValueTask StartSpillAsync(CancellationToken cancellationToken)
    {
        SweepExpiredSpills(_tempDirectory, _tempLifespan);
        string path = Path.Combine(_tempDirectory, SpillPrefix + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            // Upload data in the temp directory is readable by its owner only.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        _spill = new FileStream(path, options);
        _spillBase = _next;
        _spillEnd = _next;
        foreach (var (offset, data) in _pending)
        {
            await RandomAccess.WriteAsync(_spill.SafeFileHandle, data, offset - _spillBase, cancellationToken);
            _spillEnd = Math.Max(_spillEnd, offset + data.Length);
        }
        ClearPending();
    }

    /// <summary>Counts an upload that went past the reorder window.</summary>
    internal static void CountReordered(bool spilled) =>
        Reordered.Add(1, new KeyValuePair<string, object?>("how", spilled ? "temporary_file" : "random_access"));

    /// <summary>Deletes spill files older than <paramref name="lifespan"/> (left by a process that died), at most once a minute.</summary>
    internal static void SweepExpiredSpills(string directory, TimeSpan lifespan)
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastSweepTicks);
        if ((last != 0 && now - last < 60_000) || Interlocked.CompareExchange(ref _lastSweepTicks, now, last) != last)
        {
            return;
        }
        try
        {
            var cutoff = DateTime.UtcNow - lifespan;
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles(SpillPrefix + "*"))
            {
                if (file.LastWriteTimeUtc < cutoff)
                {
                    try
                    {
                        file.Delete();
                    }
                    catch (IOException)
                    {
                    }
                    catch (UnauthorizedAccessException)
                    {
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async ValueTask WriteZerosAsync(long count, CancellationToken cancellationToken)
    {
        byte[] zeros = ArrayPool<byte>.Shared.Rent((int)Math.Min(count, SpillCopyChunk));
        try
        {
            Array.Clear(zeros);
            while (count > 0)
            {
                int n = (int)Math.Min(count, zeros.Length);
                await Writer.WriteAsync(zeros.AsMemory(0, n), cancellationToken);
                count -= n;
                _next += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
        }
    }

    private void ClearPending()
    {
        _pending.Clear();
        _pendingBytes = 0;
    }
}
