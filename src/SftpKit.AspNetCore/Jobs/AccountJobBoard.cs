namespace SftpKit.AspNetCore;

/// <summary>How a request to start a background job went.</summary>
internal enum JobStart
{
    Started,
    AlreadyRunning,
    Busy,
}

/// <summary>
/// The bookkeeping of background jobs that run per account (quota scans, retention checks): one running job per
/// account, at most <c>maxRunning</c> at once, and the last <c>history</c> finished ones remembered. Thread-safe.
/// </summary>
/// <typeparam name="TStatus">The status record the endpoints report.</typeparam>
internal sealed class AccountJobBoard<TStatus>(Func<TStatus, bool> isRunning, Func<int> maxRunning, Func<int> history)
    where TStatus : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TStatus> _jobs = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _finishedOrder = new();
    private int _running;

    /// <summary>
    /// Registers a running job for <paramref name="userName"/> made by <paramref name="create"/>, unless one is running
    /// (its status comes back) or the limit is reached (the last finished status, if any, comes back).
    /// </summary>
    public JobStart TryStart(string userName, Func<TStatus> create, out TStatus? status)
    {
        lock (_lock)
        {
            if (_jobs.TryGetValue(userName, out var current) && isRunning(current))
            {
                status = current;
                return JobStart.AlreadyRunning;
            }
            if (_running >= maxRunning())
            {
                status = current;
                return JobStart.Busy;
            }
            _running++;
            if (current is not null)
            {
                _finishedOrder.Remove(userName);
            }
            status = create();
            _jobs[userName] = status;
            return JobStart.Started;
        }
    }

    /// <summary>Records the final status of the running job of <paramref name="userName"/>, forgetting the oldest past the history.</summary>
    public void Finish(string userName, TStatus done)
    {
        lock (_lock)
        {
            _running--;
            _jobs[userName] = done;
            _finishedOrder.AddLast(userName);
            while (_finishedOrder.Count > history() && _finishedOrder.First is { } oldest)
            {
                _finishedOrder.RemoveFirst();
                _jobs.Remove(oldest.Value);
            }
        }
    }

    public TStatus? Get(string userName)
    {
        lock (_lock)
        {
            return _jobs.GetValueOrDefault(userName);
        }
    }

    /// <summary>Every remembered job, ordered by <paramref name="order"/>.</summary>
    public IReadOnlyList<TStatus> List(Func<IEnumerable<TStatus>, IEnumerable<TStatus>> order)
    {
        lock (_lock)
        {
            return order(_jobs.Values).ToList();
        }
    }
}
