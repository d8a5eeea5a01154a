using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Policies;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// The SQL defender counts bans on the server's own <c>SftpKit</c> meter, on the same instrument the in-memory
/// defender uses, so dashboards read one counter whichever store keeps the bans.
/// </summary>
public sealed class SqlDefenderMetricsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlmetrics-" + Guid.NewGuid().ToString("N")[..12]);
    private IHost? _host;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Sql:Provider"] = "Sqlite",
            ["SftpKit:Sql:ConnectionString"] = $"Data Source={Path.Combine(_directory, "sftpkit.db")}",
        });
        builder.Services.AddMetrics();
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.Defender.Threshold = 4;
                o.Defender.ScoreUnknownUser = 2;
            })
            .AddSqlUserStore()
            .AddSftp();
        _host = builder.Build();
        await _host.StartAsync();
    }

    [Fact]
    public async Task Bans_are_counted_on_the_servers_SftpKit_meter_instrument()
    {
        var defender = _host!.Services.GetRequiredService<ISftpDefender>();
        Assert.IsType<SqlDefender>(defender);
        // The host's factory hands out one meter per name: the one the server's instruments are on.
        var meter = _host.Services.GetRequiredService<IMeterFactory>().Create(new MeterOptions(SftpKitMeter.Name));
        var banInstruments = new HashSet<Instrument>();
        long bans = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SftpKitMeter.Name && instrument.Name == "sftpkit.defender.bans")
            {
                lock (banInstruments)
                {
                    banInstruments.Add(instrument);
                }
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                Interlocked.Add(ref bans, value);
            }
        });
        listener.Start();

        var address = IPAddress.Parse("192.0.2.77");
        await defender.AddEventAsync(address, SftpDefenderEvent.UnknownUser);
        Assert.Equal(0, Interlocked.Read(ref bans));
        await defender.AddEventAsync(address, SftpDefenderEvent.UnknownUser);
        Assert.True(await defender.IsBannedAsync(address));
        Assert.Equal(1, Interlocked.Read(ref bans));

        await defender.BanAsync(IPAddress.Parse("192.0.2.78"), TimeSpan.FromMinutes(5));
        Assert.Equal(2, Interlocked.Read(ref bans));
        // One counter of that name on the server's meter: the SQL defender's and the server's are the same instrument.
        var onServerMeter = banInstruments.Where(i => ReferenceEquals(i.Meter, meter)).ToList();
        Assert.Single(onServerMeter);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
