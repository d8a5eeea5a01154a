using SftpKit.Ssh.Server;

namespace SftpKit.Tests.Ssh.Server;

/// <summary>One timer serves every connection: deadlines are checked on its ticks, expired connections leave it.</summary>
public sealed class SshConnectionWatchdogTests
{
    private sealed class Watched : IWatchedConnection
    {
        private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _due;
        private int _expiries;

        public bool Due { set => _due = value; }

        public Task Expired => _expired.Task;

        public int Expiries => Volatile.Read(ref _expiries);

        public bool IsExpired(long nowTicks) => _due;

        public void Expire()
        {
            Interlocked.Increment(ref _expiries);
            _expired.TrySetResult();
        }
    }

    [Fact]
    public async Task Expires_only_the_connections_past_their_deadline_once_and_forgets_them()
    {
        var watchdog = new SshConnectionWatchdog();
        var due = new Watched { Due = true };
        var waiting = new Watched();
        watchdog.Add(due);
        watchdog.Add(waiting);

        await due.Expired.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, watchdog.Count); // the expired one left; the other is still watched
        Assert.False(waiting.Expired.IsCompleted);

        waiting.Due = true;
        await waiting.Expired.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, watchdog.Count);
        Assert.Equal(1, due.Expiries);
        Assert.Equal(1, waiting.Expiries);
    }

    [Fact]
    public async Task A_removed_connection_is_never_expired()
    {
        var watchdog = new SshConnectionWatchdog();
        var removed = new Watched { Due = true };
        var sentinel = new Watched { Due = true };
        watchdog.Add(removed);
        watchdog.Remove(removed);
        watchdog.Add(sentinel);

        await sentinel.Expired.WaitAsync(TimeSpan.FromSeconds(10)); // a tick has run since the removal
        Assert.Equal(0, removed.Expiries);
        Assert.Equal(0, watchdog.Count);
    }
}
