namespace SftpKit.Sftp;

/// <summary>
/// Bytes of WRITE requests a session holds between reading them off the channel and finishing them
/// (<see cref="SftpSubsystemOptions.MaxInFlightWriteBytes"/>). Only the session's read loop acquires, so there is at
/// most one waiter; requests release from any thread. A request larger than the whole budget is let through alone,
/// so the session never deadlocks.
/// </summary>
internal sealed class SftpWriteBudget
{
    private readonly long _limit;
    private readonly object _gate = new();
    private long _held;
    private TaskCompletionSource? _waiter;

    public SftpWriteBudget(long limit) => _limit = limit;

    public async ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_held == 0 || _held + bytes <= _limit)
                {
                    _held += bytes;
                    return;
                }
                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Release(int bytes)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _held -= bytes;
            waiter = _waiter;
            _waiter = null;
        }
        waiter?.TrySetResult();
    }
}
