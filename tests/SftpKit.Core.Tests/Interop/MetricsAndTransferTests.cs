using SftpKit.Sessions;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Hosting;

namespace SftpKit.Tests.Interop;

/// <summary>
/// Transfer counters reached through <see cref="SshChannelContext.Connection"/> and the SftpKit meter, observed with a
/// MeterListener while OpenSSH clients log in, upload and fail.
/// </summary>
#pragma warning disable CA1001 // The listener is disposed in DisposeAsync (xunit's IAsyncLifetime).
public sealed class MetricsAndTransferTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestServer _server = new()
    {
        ConfigureServices = s => s.AddSingleton<ISshCommandHandler, CountingUpload>(),
        Configure = o => o.Defender.Enabled = true,
    };

    private readonly ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private MeterListener? _listener;

    public async ValueTask InitializeAsync()
    {
        await _server.InitializeAsync();
        var meter = _server.Services.GetRequiredService<SftpMetrics>().Meter;
        Assert.Equal("SftpKit", meter.Name);
        _listener = new MeterListener();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }
            _measurements.Enqueue((instrument.Name, value, copy));
        });
        _listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        await _server.DisposeAsync();
    }

    private long Sum(string name, params (string Key, string Value)[] tags)
        => _measurements.Where(m => m.Name == name && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).Sum(m => m.Value);

    [Fact]
    public async Task Upload_through_the_connection_handle_is_counted_and_measured()
    {
        byte[] payload = TestServer.RandomBytes(300_000);
        var result = await _server.SshAsync("counting-upload", payload);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal($"300000 1 {TestServer.UserName}", result.Text.Trim());

        Assert.Equal(300_000, Sum("sftpkit.transfer.bytes", ("direction", "upload")));
        Assert.Equal(1, Sum("sftpkit.transfers", ("direction", "upload"), ("result", "success")));
        Assert.Equal(1, Sum("sftpkit.logins", ("result", "success"), ("method", "publickey")));

        // Gauges return to zero once the connection has ended.
        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        Assert.True(await Eventually.TrueAsync(() => registry.Count == 0 && Sum("sftpkit.sessions.active") == 0));
        Assert.Equal(1, _measurements.Count(m => m.Name == "sftpkit.sessions.active" && m.Value == 1));
        Assert.True(await Eventually.TrueAsync(() => Sum("sftpkit.connections.active") == 0));
        Assert.Equal(1, _measurements.Count(m => m.Name == "sftpkit.connections.active" && m.Value == 1));
    }

    [Fact]
    public async Task Failed_logins_refusals_and_bans_are_measured()
    {
        var failed = await _server.SshWithPasswordAsync("echo no", "wrong password");
        Assert.Equal(255, failed.ExitCode);
        Assert.Equal(1, Sum("sftpkit.logins", ("result", "failure"), ("method", "password"), ("reason", "invalid_credentials")));

        var defender = _server.Services.GetRequiredService<ISftpDefender>();
        await defender.BanAsync(IPAddress.Loopback, TimeSpan.FromMinutes(5));
        Assert.Equal(1, Sum("sftpkit.defender.bans"));
        Assert.Equal(255, (await _server.SshAsync("echo banned")).ExitCode);
        Assert.Equal(1, Sum("sftpkit.connections.refused", ("reason", "banned")));
    }

    [Fact]
    public async Task Transfer_disposed_without_Complete_counts_as_failed()
    {
        var result = await _server.SshAsync("counting-upload fail", TestServer.RandomBytes(1000));
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(1, Sum("sftpkit.transfers", ("direction", "upload"), ("result", "failure")));
        Assert.Equal(0, Sum("sftpkit.transfers", ("result", "success")));
        Assert.Equal(1000, Sum("sftpkit.transfer.bytes", ("direction", "upload")));
    }

    /// <summary>Reads its input as an upload reported through the connection's transfer handle.</summary>
    private sealed class CountingUpload : ISshCommandHandler
    {
        public bool CanExecute(string command) => command.StartsWith("counting-upload", StringComparison.Ordinal);

        public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
        {
            int active;
            using (var transfer = context.Connection.BeginTransfer("/upload.bin", SftpTransferDirection.Upload))
            {
                var buffer = new byte[16 * 1024];
                int n;
                while ((n = await context.Input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    transfer.AddBytes(n);
                }
                active = context.Connection.ActiveTransfers.Count;
                if (!command.EndsWith(" fail", StringComparison.Ordinal))
                {
                    transfer.Complete();
                }
            }
            if (context.Connection.ActiveTransfers.Count != 0)
            {
                return 3;
            }
            await context.Output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(
                $"{context.Connection.BytesUploaded} {active} {context.Connection.UserName}\n"), cancellationToken);
            return 0;
        }
    }
}
