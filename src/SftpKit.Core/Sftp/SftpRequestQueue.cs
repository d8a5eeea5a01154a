namespace SftpKit.Sftp;

/// <summary>
/// Runs work items one after another in the order they were queued: requests on one handle (and path requests)
/// keep their order while different handles proceed concurrently. Only the session's read loop enqueues, so the
/// tail needs no lock. Work items report their own failures; the queue never sees an exception.
/// </summary>
internal sealed class SftpRequestQueue
{
    private Task _tail = Task.CompletedTask;

    /// <summary>Completes when everything queued so far has run (never faults).</summary>
    public Task Tail => _tail;

    public void Enqueue(Func<Task> work) => _tail = RunAfterAsync(_tail, work);

    private static async Task RunAfterAsync(Task previous, Func<Task> work)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await work();
    }
}
