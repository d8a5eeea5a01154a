using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Tests.Policies;

/// <summary>Quota changes the store refuses (database down) are kept, counted and retried, not lost.</summary>
public sealed class QuotaLedgerRetryTests
{
    private static readonly SftpQuotaOwner Alice = SftpQuotaOwner.User("alice");

    [Fact]
    public async Task A_change_refused_by_the_store_is_kept_and_stored_once_the_store_is_back()
    {
        var store = new OutageQuotaStore { Down = true };
        var time = new FakeTimeProvider();
        var ledger = new SftpQuotaLedger(store, time: time);

        await ledger.RecordAsync(Alice, 1000, 1);
        await ledger.RecordAsync(Alice, 500, 1);
        Assert.Equal((1500L, 2L), ledger.Unsaved(Alice));
        Assert.Equal(default, await store.Inner.GetAsync(Alice, CancellationToken.None));

        // Still down at the first retry: nothing changes, nothing is lost.
        await AdvanceUntilAsync(time, () => store.Attempts >= 3);
        Assert.Equal((1500L, 2L), ledger.Unsaved(Alice));

        store.Down = false;
        await AdvanceUntilAsync(time, () => ledger.Unsaved(Alice) == default);
        Assert.Equal(new SftpQuotaUsage(1500, 2), await store.Inner.GetAsync(Alice, CancellationToken.None));

        // Once stored, later changes go straight to the store again.
        await ledger.RecordAsync(Alice, -500, -1);
        Assert.Equal(new SftpQuotaUsage(1000, 1), await store.Inner.GetAsync(Alice, CancellationToken.None));
    }

    [Fact]
    public async Task A_scan_replaces_the_changes_kept_for_retry()
    {
        var store = new OutageQuotaStore { Down = true };
        var time = new FakeTimeProvider();
        var ledger = new SftpQuotaLedger(store, time: time);
        await ledger.RecordAsync(Alice, 700, 1);
        store.Down = false;
        await store.SetAsync(Alice, new SftpQuotaUsage(700, 1), CancellationToken.None); // what a scan measured
        ledger.ForgetUnsaved(Alice);
        Assert.Equal(default, ledger.Unsaved(Alice));
        time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(200);
        Assert.Equal(new SftpQuotaUsage(700, 1), await store.Inner.GetAsync(Alice, CancellationToken.None));
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        for (int i = 0; i < 600 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }
        Assert.True(condition(), "condition not met after 600 simulated seconds");
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
