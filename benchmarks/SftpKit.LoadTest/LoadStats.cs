using System.Collections.Concurrent;

namespace SftpKit.LoadTest;

/// <summary>Counters shared by every session; updated with Interlocked.</summary>
internal sealed class LoadStats
{
    private const int MaxRecordedErrors = 20;

    private long _uploads, _downloads, _listings, _renames, _deletes;
    private long _bytesUploaded, _bytesVerified, _filesVerified;
    private long _errors, _mismatches, _connected, _active, _completedSessions;

    public ConcurrentQueue<string> FirstErrors { get; } = new();

    public long Uploads => Interlocked.Read(ref _uploads);
    public long Downloads => Interlocked.Read(ref _downloads);
    public long Listings => Interlocked.Read(ref _listings);
    public long Renames => Interlocked.Read(ref _renames);
    public long Deletes => Interlocked.Read(ref _deletes);
    public long Operations => Uploads + Downloads + Listings + Renames + Deletes;
    public long BytesUploaded => Interlocked.Read(ref _bytesUploaded);
    public long BytesVerified => Interlocked.Read(ref _bytesVerified);
    public long FilesVerified => Interlocked.Read(ref _filesVerified);
    public long Errors => Interlocked.Read(ref _errors);
    public long Mismatches => Interlocked.Read(ref _mismatches);

    /// <summary>Sessions that completed their SSH login (ever).</summary>
    public long Connected => Interlocked.Read(ref _connected);

    /// <summary>Sessions connected right now.</summary>
    public long Active => Interlocked.Read(ref _active);

    /// <summary>Sessions that ran to the end and disconnected cleanly.</summary>
    public long CompletedSessions => Interlocked.Read(ref _completedSessions);

    public void Upload(long bytes)
    {
        Interlocked.Increment(ref _uploads);
        Interlocked.Add(ref _bytesUploaded, bytes);
    }

    public void Download(long bytes)
    {
        Interlocked.Increment(ref _downloads);
        Verified(bytes);
    }

    public void Verified(long bytes)
    {
        Interlocked.Increment(ref _filesVerified);
        Interlocked.Add(ref _bytesVerified, bytes);
    }

    public void Listing() => Interlocked.Increment(ref _listings);
    public void Rename() => Interlocked.Increment(ref _renames);
    public void Delete() => Interlocked.Increment(ref _deletes);

    public void SessionUp()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _active);
    }

    public void SessionDown(bool completed)
    {
        Interlocked.Decrement(ref _active);
        if (completed)
        {
            Interlocked.Increment(ref _completedSessions);
        }
    }

    public void Error(int session, string what, Exception? exception)
    {
        Interlocked.Increment(ref _errors);
        Record(session, what, exception);
    }

    public void Mismatch(int session, string what)
    {
        Interlocked.Increment(ref _mismatches);
        Record(session, what, null);
    }

    private void Record(int session, string what, Exception? exception)
    {
        if (FirstErrors.Count < MaxRecordedErrors)
        {
            FirstErrors.Enqueue($"session {session}: {what}" + (exception is null ? "" : $": {exception.GetType().Name}: {exception.Message}"));
        }
    }
}
