using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Accounts;

namespace SftpKit.Tests.Hosting;

/// <summary>Liveness and readiness without ASP.NET Core: a plain generic host, the real server bound on loopback.</summary>
public sealed class SftpServerHealthTests
{
    private static IHost Build(Action<IServiceCollection>? services = null, bool failingStore = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-health-" + Guid.NewGuid().ToString("N")[..8]);
        var server = builder.Services.AddSftpServer(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.HostKeyDirectory = keys;
            o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
        });
        if (failingStore)
        {
            server.AddUserStore<FailingStore>();
        }
        else
        {
            server.AddInMemoryUserStore();
        }
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task Not_ready_before_the_listener_is_bound_ready_after_not_ready_once_stopping_and_live_throughout()
    {
        using var host = Build();
        var health = host.Services.GetRequiredService<ISftpServerHealth>();

        Assert.True(health.CheckLiveness().IsHealthy);
        var before = await health.CheckReadinessAsync(TestContext.Current.CancellationToken);
        Assert.False(before.IsHealthy);
        var listeners = Assert.Single(before.Entries, e => e.Name == "listeners");
        Assert.False(listeners.IsHealthy);
        Assert.True(Assert.Single(before.Entries, e => e.Name == "account_store").IsHealthy);

        await host.StartAsync(TestContext.Current.CancellationToken);
        var ready = await health.CheckReadinessAsync(TestContext.Current.CancellationToken);
        Assert.True(ready.IsHealthy, string.Join("; ", ready.Entries.Select(e => e.Name + ": " + e.Description)));
        Assert.Equal(["listeners", "account_store"], ready.Entries.Select(e => e.Name));
        Assert.True(health.CheckLiveness().IsHealthy);

        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.False((await health.CheckReadinessAsync(TestContext.Current.CancellationToken)).IsHealthy);
        Assert.True(health.CheckLiveness().IsHealthy);
    }

    [Fact]
    public async Task A_failing_store_or_probe_makes_it_not_ready_and_names_which()
    {
        using var host = Build(s =>
        {
            s.AddSingleton<ISftpReadinessProbe>(new Probe("storage", ok: false));
            s.AddSingleton<ISftpReadinessProbe>(new Probe("directory", ok: true));
        }, failingStore: true);
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var report = await host.Services.GetRequiredService<ISftpServerHealth>().CheckReadinessAsync(TestContext.Current.CancellationToken);
            Assert.False(report.IsHealthy);
            Assert.Equal(["listeners", "account_store", "storage", "directory"], report.Entries.Select(e => e.Name));
            Assert.Equal([true, false, false, true], report.Entries.Select(e => e.IsHealthy));
            Assert.IsType<IOException>(report.Entries[1].Exception);
            Assert.Equal("Did not answer.", report.Entries[1].Description);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    private sealed class Probe(string name, bool ok) : ISftpReadinessProbe
    {
        public string Name => name;

        public Task ProbeAsync(CancellationToken cancellationToken) => ok ? Task.CompletedTask : throw new InvalidOperationException("down");
    }

    /// <summary>An account store whose database is gone.</summary>
    private sealed class FailingStore : ISftpUserStore
    {
        private static IOException Down() => new("database down");

        public ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken) => throw Down();

        public IAsyncEnumerable<SftpAccount> ListAsync(CancellationToken cancellationToken) => throw Down();

        public ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken) => throw Down();

        public ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken) => throw Down();

        public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) => throw Down();

        public ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken) => throw Down();

        public ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken) => throw Down();
    }
}
