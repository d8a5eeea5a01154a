namespace SftpKit.LoadTest;

/// <summary>
/// Starts the duration once every session has logged in (or failed to), so all of them are held at once for the whole
/// duration however slowly logins go on a loaded machine.
/// </summary>
internal sealed class LoadBarrier(int sessions, TimeSpan duration)
{
    private int _arrived;
    private long _deadlineTicks = long.MaxValue;

    /// <summary>When the last session arrived (UTC), or null before.</summary>
    public DateTime? AllArrivedAt { get; private set; }

    public bool DeadlinePassed => DateTime.UtcNow.Ticks >= Interlocked.Read(ref _deadlineTicks);

    public void Arrive()
    {
        if (Interlocked.Increment(ref _arrived) == sessions)
        {
            var now = DateTime.UtcNow;
            AllArrivedAt = now;
            Interlocked.Exchange(ref _deadlineTicks, (now + duration).Ticks);
        }
    }
}
