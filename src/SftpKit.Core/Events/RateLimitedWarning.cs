namespace SftpKit.Events;

/// <summary>
/// Lets one warning through per interval and counts the occurrences in between, so a flood (a full queue, a webhook
/// that is down) yields one log line a minute instead of one per event.
/// </summary>
internal sealed class RateLimitedWarning
{
    private readonly long _intervalMs;
    private readonly Lock _lock = new();
    private long _lastWarningAt = long.MinValue;
    private long _occurrences;

    public RateLimitedWarning(TimeSpan interval) => _intervalMs = (long)interval.TotalMilliseconds;

    /// <summary>Records one occurrence; true when a warning is due, with the occurrences it covers.</summary>
    public bool ShouldWarn(out long occurrences)
    {
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastWarningAt);
        if (last != long.MinValue && now - last < _intervalMs)
        {
            // Inside the quiet interval (the flood case): count without taking the lock.
            Interlocked.Increment(ref _occurrences);
            occurrences = 0;
            return false;
        }
        lock (_lock)
        {
            Interlocked.Increment(ref _occurrences);
            last = Interlocked.Read(ref _lastWarningAt);
            if (last != long.MinValue && now - last < _intervalMs)
            {
                occurrences = 0;
                return false;
            }
            Interlocked.Exchange(ref _lastWarningAt, now);
            occurrences = Interlocked.Exchange(ref _occurrences, 0);
            return true;
        }
    }
}
