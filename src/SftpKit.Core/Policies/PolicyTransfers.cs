using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// The quota and size bookkeeping of one upload. Growth beyond the file's previous size is reserved in the ledger as
/// it is written (so parallel uploads of one account see each other) and committed to the quota store once, when
/// the upload completes. An atomic upload that is abandoned changes nothing; an in-place upload that is abandoned is
/// accounted at the size it reached.
/// </summary>
internal sealed class UploadTracker
{
    private readonly PolicyFileSystem _fs;
    private readonly string _path;
    private readonly QuotaScope _scope;
    private readonly bool _existed;
    private readonly long _oldSize;
    private readonly bool _atomic;
    private readonly long _start;
    private readonly object _gate = new();
    private long _highWater;
    private long _reserved;
    private long _storedSize = -1;
    private bool _finished;
    private readonly DataTransferMeter? _meter;

    public UploadTracker(PolicyFileSystem fs, string path, QuotaScope scope, bool existed, long oldSize, long baseSize, bool atomic, long startTimestamp,
        DataTransferMeter? meter = null)
    {
        _meter = meter;
        _start = startTimestamp;
        Transfer = fs.Events.BeginTransfer(path, SftpKit.SftpTransferDirection.Upload);
        _fs = fs;
        _path = path;
        _scope = scope;
        _existed = existed;
        _oldSize = oldSize;
        _highWater = baseSize;
        _atomic = atomic;
    }

    public SftpTokenBucket[] Buckets => _fs.Policy.UploadBuckets;

    /// <summary>The upload as the connection registry shows it (null outside a registered connection).</summary>
    public SftpKit.SftpTransfer? Transfer { get; }

    /// <summary>Counts <paramref name="bytes"/> against the data-transfer caps; throws when one would be passed.</summary>
    public void TakeTransfer(long bytes) => _meter?.Take(bytes);

    /// <summary>Reserves room for data ending at <paramref name="end"/>; throws when a limit would be passed.</summary>
    public async ValueTask BeforeWriteAsync(long end, CancellationToken cancellationToken)
    {
        long max = _fs.Policy.MaxUploadFileSize;
        if (max > 0 && end > max)
        {
            throw PolicyFileSystem.QuotaExceeded();
        }
        if (end <= Volatile.Read(ref _highWater))
        {
            return;
        }
        if (_scope.Tracked && _scope.SizeLimit > 0 && _storedSize < 0)
        {
            _storedSize = (await _fs.Ledger.Store.GetAsync(_scope.Owner, cancellationToken).ConfigureAwait(false)).Size;
        }
        lock (_gate)
        {
            if (end <= _highWater)
            {
                return;
            }
            long growth = Math.Max(0, end - _oldSize) - _reserved;
            if (growth > 0 && _scope.Tracked)
            {
                if (_scope.SizeLimit > 0 && _storedSize + _fs.Ledger.Pending(_scope.Owner) + growth > _scope.SizeLimit)
                {
                    throw PolicyFileSystem.QuotaExceeded();
                }
                _fs.Ledger.AddPending(_scope.Owner, growth);
                _reserved += growth;
            }
            _highWater = end;
        }
    }

    public async ValueTask CompletedAsync(long finalSize)
    {
        Release();
        if (_meter is not null)
        {
            await _meter.FinishAsync().ConfigureAwait(false);
        }
        Transfer?.Complete();
        Transfer?.Dispose();
        await _fs.AccountAsync(_scope, finalSize - (_existed ? _oldSize : 0), _existed ? 0 : 1).ConfigureAwait(false);
        _fs.Events.Post(Events.SftpEventKind.Upload, _path, null, finalSize, _start, null);
    }

    public async ValueTask AbandonedAsync()
    {
        if (_meter is not null)
        {
            await _meter.FinishAsync().ConfigureAwait(false);
        }
        if (!Release())
        {
            return;
        }
        Transfer?.Dispose();
        _fs.Events.Post(Events.SftpEventKind.Upload, _path, null, HighWater, _start, new VfsException(VfsError.Failure, "Upload not completed."));
        if (_atomic)
        {
            return;
        }
        var info = await _fs.TryGetInnerInfoAsync(_path, followLinks: true, CancellationToken.None).ConfigureAwait(false);
        if (info is not null)
        {
            await _fs.AccountAsync(_scope, info.Size - (_existed ? _oldSize : 0), _existed ? 0 : 1).ConfigureAwait(false);
        }
    }

    public long HighWater => Volatile.Read(ref _highWater);

    private bool Release()
    {
        lock (_gate)
        {
            if (_finished)
            {
                return false;
            }
            _finished = true;
            if (_reserved != 0)
            {
                _fs.Ledger.AddPending(_scope.Owner, -_reserved);
                _reserved = 0;
            }
            return true;
        }
    }

    public static async ValueTask ThrottleAsync(SftpTokenBucket[] buckets, long bytes, CancellationToken cancellationToken)
    {
        foreach (var bucket in buckets)
        {
            await bucket.TakeAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A sequential upload under the account's policies.</summary>
internal class PolicyWriter : IVfsWriter
{
    private readonly IVfsWriter _inner;
    private bool _completed;

    public PolicyWriter(IVfsWriter inner, UploadTracker tracker)
    {
        _inner = inner;
        Tracker = tracker;
    }

    protected UploadTracker Tracker { get; }

    public long Position => _inner.Position;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await Tracker.BeforeWriteAsync(_inner.Position + data.Length, cancellationToken).ConfigureAwait(false);
        Tracker.TakeTransfer(data.Length);
        await UploadTracker.ThrottleAsync(Tracker.Buckets, data.Length, cancellationToken).ConfigureAwait(false);
        await _inner.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Tracker.Transfer?.AddBytes(data.Length);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await _inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
        long size;
        try
        {
            size = (await _inner.GetInfoAsync(cancellationToken).ConfigureAwait(false)).Size;
        }
        catch (VfsException)
        {
            size = Math.Max(Tracker.HighWater, _inner.Position);
        }
        await Tracker.CompletedAsync(size).ConfigureAwait(false);
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) => _inner.GetInfoAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_completed)
            {
                await Tracker.AbandonedAsync().ConfigureAwait(false);
            }
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>A random-access upload under the account's policies.</summary>
internal sealed class PolicyRandomAccessWriter : PolicyWriter, IVfsRandomAccessWriter
{
    private readonly IVfsRandomAccessWriter _inner;

    public PolicyRandomAccessWriter(IVfsRandomAccessWriter inner, UploadTracker tracker)
        : base(inner, tracker)
    {
        _inner = inner;
    }

    public async ValueTask WriteAtAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await Tracker.BeforeWriteAsync(offset + data.Length, cancellationToken).ConfigureAwait(false);
        Tracker.TakeTransfer(data.Length);
        await UploadTracker.ThrottleAsync(Tracker.Buckets, data.Length, cancellationToken).ConfigureAwait(false);
        await _inner.WriteAtAsync(offset, data, cancellationToken).ConfigureAwait(false);
        Tracker.Transfer?.AddBytes(data.Length);
    }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
        _inner.ReadAtAsync(offset, buffer, cancellationToken);
}

/// <summary>
/// A download under the account's policies: throttled by the account's and the server's download buckets, and
/// reported as a Download post-event (bytes read, elapsed) when closed.
/// </summary>
internal sealed class PolicyReader : IVfsReader
{
    private readonly IVfsReader _inner;
    private readonly SftpTokenBucket[] _buckets;
    private readonly PolicyEvents _events;
    private readonly string _path;
    private readonly long _start;
    private readonly SftpKit.SftpTransfer? _transfer;
    private readonly DataTransferMeter? _meter;
    private long _bytes;
    private int _disposed;

    public PolicyReader(IVfsReader inner, SftpTokenBucket[] buckets, PolicyEvents events, string path, long startTimestamp, DataTransferMeter? meter = null)
    {
        _meter = meter;
        _transfer = events.BeginTransfer(path, SftpKit.SftpTransferDirection.Download);
        _inner = inner;
        _buckets = buckets;
        _events = events;
        _path = path;
        _start = startTimestamp;
    }

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = await _inner.ReadAsync(offset, buffer, cancellationToken).ConfigureAwait(false);
        // The bytes were read but not yet sent: a read that would pass the cap sends nothing.
        _meter?.Take(read);
        Interlocked.Add(ref _bytes, read);
        _transfer?.AddBytes(read);
        if (_buckets.Length > 0)
        {
            await UploadTracker.ThrottleAsync(_buckets, read, cancellationToken).ConfigureAwait(false);
        }
        return read;
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken) => _inner.GetInfoAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _transfer?.Complete();
            _transfer?.Dispose();
            _events.Post(Events.SftpEventKind.Download, _path, null, Interlocked.Read(ref _bytes), _start, null);
            if (_meter is not null)
            {
                await _meter.FinishAsync().ConfigureAwait(false);
            }
        }
        await _inner.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Recomputes quota usage by walking a file system: regular files count, directories and links do not.</summary>
internal static class SftpQuotaScanner
{
    /// <summary>
    /// Sums sizes and counts of the regular files under <paramref name="root"/>; fails with
    /// <see cref="VfsError.Failure"/> after <paramref name="maxEntries"/> entries.
    /// </summary>
    public static async ValueTask<SftpQuotaUsage> MeasureAsync(IVirtualFileSystem fs, string root, long maxEntries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fs);
        long size = 0, files = 0, visited = 0;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            await foreach (var entry in fs.ListAsync(dir, cancellationToken).ConfigureAwait(false))
            {
                if (++visited > maxEntries)
                {
                    throw new VfsException(VfsError.Failure, "Too many entries to scan.");
                }
                switch (entry.Type)
                {
                    case VfsFileType.File:
                        size += entry.Size;
                        files++;
                        break;
                    case VfsFileType.Directory:
                        pending.Push(VirtualPath.Combine(dir, entry.Name));
                        break;
                }
            }
        }
        return new SftpQuotaUsage(size, files);
    }
}
