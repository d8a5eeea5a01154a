using SftpKit.Policies;

namespace SftpKit.Tests.Policies;

public sealed class InMemorySessionLimiterTests
{
    [Fact]
    public async Task Racing_acquirers_get_exactly_the_maximum()
    {
        var limiter = new InMemorySessionLimiter();
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await limiter.TryAcquireAsync("bob", 5, $"c{i}", CancellationToken.None);
        })).ToArray();
        start.Set();
        var leases = await Task.WhenAll(tasks);
        Assert.Equal(5, leases.Count(l => l is not null));
        Assert.Equal(5, await limiter.GetActiveSessionsAsync("bob", CancellationToken.None));

        var held = leases.OfType<ISftpSessionLease>().ToList();
        await held[0].DisposeAsync();
        await held[0].DisposeAsync(); // idempotent: releases one slot only
        Assert.Equal(4, await limiter.GetActiveSessionsAsync("bob", CancellationToken.None));
        Assert.NotNull(await limiter.TryAcquireAsync("bob", 5, "again", CancellationToken.None));
        Assert.Null(await limiter.TryAcquireAsync("bob", 5, "over", CancellationToken.None));
    }

    [Fact]
    public async Task Zero_means_unlimited_and_accounts_are_separate()
    {
        var limiter = new InMemorySessionLimiter();
        for (int i = 0; i < 100; i++)
        {
            Assert.NotNull(await limiter.TryAcquireAsync("carol", 0, $"c{i}", CancellationToken.None));
        }
        Assert.NotNull(await limiter.TryAcquireAsync("dave", 1, "d", CancellationToken.None));
        Assert.Null(await limiter.TryAcquireAsync("dave", 1, "d2", CancellationToken.None));
        Assert.Equal(100, await limiter.GetActiveSessionsAsync("carol", CancellationToken.None));
    }
}
