using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>Readiness follows the SQL account store: ready while SQLite answers, not ready once its file is unreadable; live throughout.</summary>
public sealed class SqlReadinessTests
{
    [Fact]
    public async Task Readiness_is_false_when_the_sqlite_store_is_unreadable_and_liveness_stays_true()
    {
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlready-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        string database = Path.Combine(directory, "sftpkit.db");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Sql:Provider"] = "Sqlite",
            ["SftpKit:Sql:ConnectionString"] = $"Data Source={database}",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = Path.Combine(directory, "keys");
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            })
            .AddSqlUserStore()
            .AddSftp();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var health = host.Services.GetRequiredService<ISftpServerHealth>();
            var ready = await health.CheckReadinessAsync(TestContext.Current.CancellationToken);
            Assert.True(ready.IsHealthy, string.Join("; ", ready.Entries.Select(e => e.Name + ": " + e.Description)));

            // The database file turns into something that is not a database (no pooled connection keeps the old one).
            SqliteConnection.ClearAllPools();
            await File.WriteAllBytesAsync(database, new byte[8192].Select((_, i) => (byte)(i * 7)).ToArray(), TestContext.Current.CancellationToken);

            var down = await health.CheckReadinessAsync(TestContext.Current.CancellationToken);
            Assert.False(down.IsHealthy);
            var store = Assert.Single(down.Entries, e => e.Name == "account_store");
            Assert.False(store.IsHealthy);
            Assert.NotNull(store.Exception);
            Assert.True(Assert.Single(down.Entries, e => e.Name == "listeners").IsHealthy);
            Assert.True(health.CheckLiveness().IsHealthy);
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
