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
        lock (_lock)
        {
            _occurrences++;
            if (_lastWarningAt != long.MinValue && now - _lastWarningAt < _intervalMs)
            {
                occurrences = 0;
                return false;
            }
            _lastWarningAt = now;
            occurrences = _occurrences;
            _occurrences = 0;
            return true;
        }
    }
}
