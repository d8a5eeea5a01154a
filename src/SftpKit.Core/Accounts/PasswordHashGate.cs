namespace SftpKit.Accounts;

/// <summary>
/// Bounds how many password hashes the server computes at once to the number of processors. Each is CPU-bound and the
/// default argon2id holds 19 MiB while it runs: 500 clients logging in together would otherwise hold ~9.5 GiB and as
/// many thread-pool threads, and finish no sooner. Waiting logins queue here without a thread; the login grace time
/// still bounds how long a client may wait. Each hash runs on a thread-pool thread, never on the caller's.
/// </summary>
internal static class PasswordHashGate
{
    private static readonly SemaphoreSlim s_slots = new(Slots, Slots);
    private static int s_running;
    private static int s_mostRunning;

    /// <summary>Hashes computed at once: <see cref="Environment.ProcessorCount"/>.</summary>
    public static int Slots => Math.Max(1, Environment.ProcessorCount);

    /// <summary>The most hashes seen running at once since start (for tests).</summary>
    public static int MostRunning => Volatile.Read(ref s_mostRunning);

    /// <summary>Runs <paramref name="work"/> once a slot is free.</summary>
    public static async ValueTask<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await s_slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int running = Interlocked.Increment(ref s_running);
            int most;
            while (running > (most = Volatile.Read(ref s_mostRunning)) && Interlocked.CompareExchange(ref s_mostRunning, running, most) != most)
            {
            }
            // On the thread pool: socket continuations may run inline on the socket engine's threads (the sample
            // server's default), which must not spend a hash's tens of milliseconds away from other connections.
            return await Task.Run(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref s_running);
            s_slots.Release();
        }
    }
}
