using System.Collections.Concurrent;

namespace SftpKit.Policies;

/// <summary>
/// A token bucket: <c>rate</c> bytes per second, holding at most one eighth of a second of tokens (at least 32 KiB)
/// so bursts stay short and a measured rate over a few seconds lands close to the limit. Callers take tokens after
/// (downloads) or before (uploads) moving bytes and wait while the bucket is in debt. Thread-safe.
/// </summary>
internal sealed class SftpTokenBucket
{
    private const long MinBurst = 32 * 1024;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _rate;
    private double _tokens;
    private long _lastTicks;

    /// <summary>Creates a bucket refilling at <paramref name="bytesPerSecond"/> (must be positive).</summary>
    public SftpTokenBucket(long bytesPerSecond, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytesPerSecond);
        _time = timeProvider ?? TimeProvider.System;
        _rate = bytesPerSecond;
        _tokens = Burst;
        _lastTicks = _time.GetTimestamp();
    }

    /// <summary>The refill rate in bytes per second.</summary>
    public long Rate
    {
        get => Volatile.Read(ref _rate);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (_gate)
            {
                _rate = value;
            }
        }
    }

    private double Burst => Math.Max(MinBurst, _rate / 8.0);

    /// <summary>Takes <paramref name="bytes"/> tokens and waits until the bucket is out of debt.</summary>
    public ValueTask TakeAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytes <= 0)
        {
            return ValueTask.CompletedTask;
        }
        TimeSpan wait;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            double elapsed = _time.GetElapsedTime(_lastTicks, now).TotalSeconds;
            _lastTicks = now;
            _tokens = Math.Min(Burst, _tokens + elapsed * _rate);
            _tokens -= bytes;
            if (_tokens >= 0)
            {
                return ValueTask.CompletedTask;
            }
            wait = TimeSpan.FromSeconds(-_tokens / _rate);
        }
        return new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}

/// <summary>
/// The bandwidth limits in force: one upload and one download bucket per account (shared by all its sessions on
/// this instance) and optional server-wide buckets (<see cref="SftpPolicyOptions.MaxUploadBandwidth"/>,
/// <see cref="SftpPolicyOptions.MaxDownloadBandwidth"/>). Registered as a singleton.
/// </summary>
internal sealed class SftpBandwidthLimiter
{
    private readonly ConcurrentDictionary<(string User, bool Upload), SftpTokenBucket> _buckets = new();
    private readonly TimeProvider _time;
    private readonly SftpTokenBucket? _globalUpload;
    private readonly SftpTokenBucket? _globalDownload;

    /// <summary>Creates the limiter.</summary>
    public SftpBandwidthLimiter(SftpPolicyOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _globalUpload = options.MaxUploadBandwidth > 0 ? new SftpTokenBucket(options.MaxUploadBandwidth * 1024, _time) : null;
        _globalDownload = options.MaxDownloadBandwidth > 0 ? new SftpTokenBucket(options.MaxDownloadBandwidth * 1024, _time) : null;
    }

    /// <summary>The buckets a transfer of <paramref name="userName"/> must take from (empty when unlimited).</summary>
    public SftpTokenBucket[] For(string userName, bool upload, long accountKiBPerSecond)
    {
        var global = upload ? _globalUpload : _globalDownload;
        SftpTokenBucket? own = null;
        if (accountKiBPerSecond > 0)
        {
            long rate = accountKiBPerSecond * 1024;
            own = _buckets.GetOrAdd((userName, upload), _ => new SftpTokenBucket(rate, _time));
            if (own.Rate != rate)
            {
                own.Rate = rate;
            }
        }
        return (own, global) switch
        {
            (null, null) => [],
            (not null, null) => [own],
            (null, not null) => [global],
            _ => [own!, global!],
        };
    }
}
