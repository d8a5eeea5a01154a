using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Tests.Policies;

/// <summary>Quota changes the store refuses (database down) are kept, counted and retried, not lost.</summary>
public sealed class QuotaLedgerRetryTests
{
    private static readonly SftpQuotaOwner Alice = SftpQuotaOwner.User("alice");
    private static readonly SftpQuotaOwner Bob = SftpQuotaOwner.User("bob");

    [Fact]
    public async Task A_change_refused_by_the_store_is_kept_and_stored_once_the_store_is_back()
    {
        var store = new OutageQuotaStore { Down = true };
        var time = new WatchedTime();
        var ledger = new SftpQuotaLedger(store, time: time);

        await ledger.RecordAsync(Alice, 1000, 1);
        await ledger.RecordAsync(Alice, 500, 1);
        Assert.Equal((1500L, 2L), ledger.Unsaved(Alice));
        Assert.Equal(default, await store.Inner.GetAsync(Alice, CancellationToken.None));

        // Still down at the first retry (after 1 s): nothing changes, nothing is lost. The round is over once the
        // retry loop waits again, now twice as long.
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), await time.NextTimerAsync());
        Assert.Equal(3, store.Attempts);
        Assert.Equal((1500L, 2L), ledger.Unsaved(Alice));

        // Back at the second retry: stored once, whole, and the delay is back to 1 s.
        store.Down = false;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync());
        Assert.Equal(4, store.Attempts);
        Assert.Equal(default, ledger.Unsaved(Alice));
        Assert.Equal(new SftpQuotaUsage(1500, 2), await store.Inner.GetAsync(Alice, CancellationToken.None));

        // Once stored, later changes go straight to the store again.
        await ledger.RecordAsync(Alice, -500, -1);
        Assert.Equal(new SftpQuotaUsage(1000, 1), await store.Inner.GetAsync(Alice, CancellationToken.None));
    }

    [Fact]
    public async Task A_scan_replaces_the_changes_kept_for_retry()
    {
        var store = new OutageQuotaStore { Down = true };
        var time = new WatchedTime();
        var ledger = new SftpQuotaLedger(store, time: time);
        await ledger.RecordAsync(Alice, 700, 1);
        // Bob's change is kept too; the retry round that stores it is the one that would also store Alice's.
        await ledger.RecordAsync(Bob, 300, 1);
        store.Down = false;
        await store.SetAsync(Alice, new SftpQuotaUsage(700, 1), CancellationToken.None); // what a scan measured
        ledger.ForgetUnsaved(Alice);
        Assert.Equal(default, ledger.Unsaved(Alice));

        await time.NextTimerAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await time.NextTimerAsync(); // the round is over

        Assert.Equal(default, ledger.Unsaved(Bob));
        Assert.Equal(new SftpQuotaUsage(300, 1), await store.Inner.GetAsync(Bob, CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(700, 1), await store.Inner.GetAsync(Alice, CancellationToken.None));
    }

    /// <summary>
    /// A fake clock that tells when a timer is created: the retry loop creates one each time it starts waiting, so
    /// a new timer means the previous round is over (and the clock can be advanced without racing the loop).
    /// </summary>
    private sealed class WatchedTime : TimeProvider
    {
        private readonly FakeTimeProvider _fake = new();
        private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

        public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

        public override long GetTimestamp() => _fake.GetTimestamp();

        public override long TimestampFrequency => _fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _fake.CreateTimer(callback, state, dueTime, period);
            _created.Writer.TryWrite(dueTime);
            return timer;
        }

        public void Advance(TimeSpan by) => _fake.Advance(by);

        /// <summary>Waits for the next timer not yet waited for; fails after 10 s (a bound, not a speed claim).</summary>
        public async Task<TimeSpan> NextTimerAsync()
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                return await _created.Reader.ReadAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("the retry loop never started waiting");
                throw;
            }
        }
    }

    /// <summary>The in-memory store behind a switch that makes every call fail like an unreachable database.</summary>
    private sealed class OutageQuotaStore : ISftpQuotaStore
    {
        private int _attempts;

        public InMemoryUserStore Inner { get; } = new();

        public volatile bool Down;

        public int Attempts => Volatile.Read(ref _attempts);

        public ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken) =>
            Down ? throw new IOException("store unreachable") : Inner.GetAsync(owner, cancellationToken);

        public ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return Down ? throw new IOException("store unreachable") : Inner.AddAsync(owner, sizeDelta, filesDelta, cancellationToken);
        }

        public ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken) =>
            Down ? throw new IOException("store unreachable") : Inner.SetAsync(owner, usage, cancellationToken);
    }
}
