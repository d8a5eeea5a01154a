namespace SftpKit.Sftp;

/// <summary>
/// A session's atomic uploads in flight, by resolved virtual path, so that its own client sees the file it is
/// writing (sshfs stats it, sets its times and opens it again while writing) while other connections keep seeing the
/// old file until the last handle closes:
/// <list type="bullet">
/// <item>STAT, LSTAT and FSTAT answer with the upload's attributes (size: the end of what was written), SETSTAT and
/// FSETSTAT of times, permissions or owner are recorded and applied when it is published.</item>
/// <item>A second OPEN for writing (or for reading, where the storage can read an upload back) joins the same upload;
/// it is published at the last CLOSE of all its handles.</item>
/// <item>REMOVE of the path, or a RENAME onto it, detaches the upload: the name is gone (or names the renamed file)
/// at once, the open handles keep working, and the upload is discarded at their last CLOSE, as POSIX unlinks an open
/// file. A RENAME of the path itself is refused (FAILURE) while it is in flight.</item>
/// </list>
/// Path requests that name an upload in flight are ordered behind the requests already queued on its handles
/// (<see cref="BarrierFor"/>), so a STAT or OPEN sent after WRITEs or a CLOSE sees them, as OpenSSH's sequential
/// sftp-server would. Bounded by the handle table: every entry is held by at least one open handle, or is being
/// published by the CLOSE that released its last one.
/// </summary>
internal sealed class SftpInFlightUploads
{
    private readonly Dictionary<string, SftpInFlightUpload> _byPath = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>True when nothing is in flight (read without the lock, for the dispatcher's fast path).</summary>
    public bool IsEmpty => Volatile.Read(ref _count) == 0;

    /// <summary>
    /// The upload in flight under <paramref name="path"/> that requests can act on: null when there is none, when it
    /// failed, or (after waiting for it) when its last CLOSE is publishing it.
    /// </summary>
    public async ValueTask<SftpInFlightUpload?> FindAsync(string path)
    {
        SftpInFlightUpload? entry;
        lock (_byPath)
        {
            entry = _byPath.GetValueOrDefault(path);
        }
        if (entry?.Publishing is { } publishing)
        {
            await publishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }
        return entry is { Upload.Faulted: false } ? entry : null;
    }

    /// <summary>
    /// Registers <paramref name="upload"/> under <paramref name="path"/>, held by <paramref name="handle"/> (a failed
    /// upload there is detached). When another live upload is there already (opened meanwhile by another handle of the
    /// session), the handle joins that one instead and the caller drops its own.
    /// </summary>
    public SftpInFlightUpload StartOrJoin(string path, SftpUpload upload, SftpFileHandle handle)
    {
        lock (_byPath)
        {
            if (_byPath.TryGetValue(path, out var live) && live is { Upload.Faulted: false, PublishDone: null })
            {
                AttachLocked(live, handle);
                return live;
            }
            // A failed upload there (discarded at its last CLOSE anyway) or one being published gives way.
            _byPath.Remove(path);
            var entry = new SftpInFlightUpload(this, path, upload);
            _byPath.Add(path, entry);
            _count = _byPath.Count;
            AttachLocked(entry, handle);
            return entry;
        }
    }

    /// <summary>Makes <paramref name="handle"/> one more holder of <paramref name="entry"/>; false once its last CLOSE began publishing it.</summary>
    public bool TryAttach(SftpInFlightUpload entry, SftpFileHandle handle)
    {
        lock (_byPath)
        {
            if (entry.PublishDone is not null || entry.Upload.Faulted)
            {
                return false;
            }
            AttachLocked(entry, handle);
            return true;
        }
    }

    /// <summary>
    /// Lets <paramref name="handle"/> go. True when it was the last holder: the caller then publishes (or discards) the
    /// upload and calls <see cref="Finish"/>; until then path requests naming it wait.
    /// </summary>
    public bool Release(SftpFileHandle handle, out SftpInFlightUpload entry)
    {
        entry = handle.InFlight!;
        lock (_byPath)
        {
            handle.InFlight = null;
            entry.Handles.Remove(handle);
            if (entry.Handles.Count > 0)
            {
                return false;
            }
            entry.PublishDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return true;
        }
    }

    /// <summary>Ends a released upload: its path no longer names it, and requests that waited for it go on.</summary>
    public void Finish(SftpInFlightUpload entry)
    {
        lock (_byPath)
        {
            if (_byPath.TryGetValue(entry.Path, out var current) && current == entry)
            {
                _byPath.Remove(entry.Path);
                _count = _byPath.Count;
            }
        }
        entry.PublishDone?.TrySetResult();
    }

    /// <summary>Detaches <paramref name="entry"/> (its path was removed or renamed over): it is discarded at its last CLOSE.</summary>
    public void Detach(SftpInFlightUpload entry)
    {
        lock (_byPath)
        {
            if (entry.PublishDone is not null)
            {
                return;
            }
            entry.Detached = true;
            if (_byPath.TryGetValue(entry.Path, out var current) && current == entry)
            {
                _byPath.Remove(entry.Path);
                _count = _byPath.Count;
            }
        }
    }

    /// <summary>
    /// What a path request naming <paramref name="path"/> must wait for: the requests queued so far on the handles of
    /// the upload there and its publishing; null when nothing is in flight there.
    /// </summary>
    public Task? BarrierFor(string path)
    {
        lock (_byPath)
        {
            if (!_byPath.TryGetValue(path, out var entry))
            {
                return null;
            }
            var waits = new List<Task>(entry.Handles.Count + 1);
            foreach (var handle in entry.Handles)
            {
                waits.Add(handle.Queue.Tail);
            }
            if (entry.Publishing is { } publishing)
            {
                waits.Add(publishing);
            }
            return Task.WhenAll(waits);
        }
    }

    private static void AttachLocked(SftpInFlightUpload entry, SftpFileHandle handle)
    {
        entry.Handles.Add(handle);
        handle.InFlight = entry;
        handle.Upload = entry.Upload;
    }
}
