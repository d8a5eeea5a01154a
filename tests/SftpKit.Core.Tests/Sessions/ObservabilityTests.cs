using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Sessions;

/// <summary>
/// The SftpKit meter's histograms and gauges and the SftpKit activity source, observed with a MeterListener and an
/// ActivityListener while OpenSSH sftp logs in and uploads a file.
/// </summary>
#pragma warning disable CA1001 // The listeners are disposed in DisposeAsync (xunit's IAsyncLifetime).
public sealed class ObservabilityTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly ConnectionIds _connections = new();
    private readonly TestServer _server;
    private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private MeterListener? _meterListener;
    private ActivityListener? _activityListener;

    public ObservabilityTests()
    {
        _server = new TestServer
        {
            Configure = o => o.Users[0].HomeDirectory = Path.Combine(Path.GetTempPath(), "sftpkit-obs-" + Guid.NewGuid().ToString("N")[..8]),
            ConfigureServer = b => b.AddSftp().AddAuthenticationObserver(_connections),
        };
    }

    public async ValueTask InitializeAsync()
    {
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SftpKitActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);
        await _server.InitializeAsync();
        Directory.CreateDirectory(_server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SftpServerOptions>>().Value.Users[0].HomeDirectory!);
        var meter = _server.Services.GetRequiredService<SftpKit.Sessions.SftpMetrics>().Meter;
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }
        _measurements.Enqueue((instrument.Name, value, copy));
    }

    public async ValueTask DisposeAsync()
    {
        _meterListener?.Dispose();
        _activityListener?.Dispose();
        await _server.DisposeAsync();
    }

    private List<(string Name, double Value, Dictionary<string, object?> Tags)> Measured(string name, params (string Key, string Value)[] tags)
        => _measurements.Where(m => m.Name == name && tags.All(t => Equals(m.Tags.GetValueOrDefault(t.Key), t.Value))).ToList();

    private async Task<ProcessRunner.Result> UploadAsync(int size)
    {
        Requires.Tool("sftp", "install Debian's openssh-client package");
        string local = Path.Combine(_server.Directory, "upload-" + Guid.NewGuid().ToString("N")[..6] + ".bin");
        await File.WriteAllBytesAsync(local, TestServer.RandomBytes(size));
        string batch = local + ".batch";
        await File.WriteAllTextAsync(batch, $"put {local} /up.bin\nls -l /up.bin\n");
        return await ProcessRunner.RunAsync("sftp",
            ["-b", batch, .. OpenSshClientOptions.Build(_server.KnownHostsFile, _server.ClientKeys["ed25519"], _server.Port), $"{TestServer.UserName}@127.0.0.1"]);
    }

    [Fact]
    public async Task Upload_is_measured_by_histograms_with_bounded_tags_and_the_gauges_return_to_zero()
    {
        var result = await UploadAsync(100_000);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        Assert.True(await Eventually.TrueAsync(() => registry.Count == 0 && Measured("sftpkit.transfers").Count > 0));

        var size = Assert.Single(Measured("sftpkit.transfer.size", ("direction", "upload"), ("protocol", "sftp"), ("result", "success")));
        Assert.Equal(100_000, size.Value);
        var duration = Assert.Single(Measured("sftpkit.transfer.duration", ("direction", "upload"), ("protocol", "sftp"), ("result", "success")));
        Assert.InRange(duration.Value, 0, 60);
        Assert.Equal(1, Measured("sftpkit.transfers", ("direction", "upload"), ("protocol", "sftp"), ("result", "success")).Sum(m => m.Value));
        Assert.Equal(100_000, Measured("sftpkit.transfer.bytes", ("direction", "upload"), ("protocol", "sftp")).Sum(m => m.Value));
        // In flight: +1 when the upload opened, -1 when it closed.
        var active = Measured("sftpkit.transfers.active", ("direction", "upload"), ("protocol", "sftp"));
        Assert.Equal([1d, -1d], active.Select(m => m.Value));

        var login = Assert.Single(Measured("sftpkit.login.duration", ("result", "success")));
        Assert.Equal("publickey", login.Tags["method"]);
        var kex = Assert.Single(Measured("sftpkit.kex.duration", ("kind", "initial")));
        Assert.InRange(kex.Value, 0, 30);
        Assert.False(string.IsNullOrEmpty(kex.Tags["algorithm"] as string));

        // The event dispatcher's queue is observable.
        _meterListener!.RecordObservableInstruments();
        Assert.NotEmpty(Measured("sftpkit.events.queue.depth", ("queue", "post_events")));
        Assert.NotEmpty(Measured("sftpkit.events.queue.dropped", ("queue", "post_events")));

        // No tag value anywhere is a user name, a path or an address.
        var values = _measurements.SelectMany(m => m.Tags.Values).OfType<string>().ToList();
        Assert.DoesNotContain(values, v => v.Contains(TestServer.UserName, StringComparison.Ordinal) || v.Contains('/', StringComparison.Ordinal)
            || v.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_is_traced_connection_then_kex_auth_and_each_request()
    {
        var result = await UploadAsync(50_000);
        Assert.True(result.ExitCode == 0, result.StandardError);
        string id = Assert.Single(_connections.Ids);
        Activity? connection = null;
        Assert.True(await Eventually.TrueAsync(() =>
            (connection = _spans.FirstOrDefault(s => s.OperationName == "sftpkit.connection" && (string?)s.GetTagItem("sftpkit.connection.id") == id
                && Equals(s.GetTagItem("server.port"), _server.Port))) is not null));

        Assert.Null(connection!.Parent);
        Assert.Equal(ActivityKind.Server, connection.Kind);
        Assert.Equal(true, connection.GetTagItem("sftpkit.authenticated"));
        var children = _spans.Where(s => s.ParentSpanId == connection.SpanId).ToList();
        Assert.All(children, c => Assert.Equal(connection.TraceId, c.TraceId));
        var kex = Assert.Single(children, c => c.OperationName == "ssh.kex");
        Assert.Equal("initial", kex.GetTagItem("ssh.kex.kind"));
        Assert.True(kex.Duration > TimeSpan.Zero);
        var auth = Assert.Single(children, c => c.OperationName == "ssh.auth" && (string?)c.GetTagItem("ssh.auth.result") == "success");
        Assert.Equal("publickey", auth.GetTagItem("ssh.auth.method"));
        Assert.True(kex.StartTimeUtc <= auth.StartTimeUtc);

        string[] names = children.Select(c => c.OperationName).ToArray();
        Assert.Contains("sftp.open", names);
        Assert.Contains("sftp.write", names);
        Assert.Contains("sftp.close", names);
        var open = children.First(c => c.OperationName == "sftp.open");
        Assert.Equal("open", open.GetTagItem("sftp.request"));
        Assert.True(open.StartTimeUtc >= auth.StartTimeUtc);

        // No span names the user, a path or the client's address.
        var tagValues = _spans.Where(s => s.TraceId == connection.TraceId).SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? "").ToList();
        Assert.DoesNotContain(tagValues, v => v.Contains(TestServer.UserName, StringComparison.Ordinal) || v.Contains("up.bin", StringComparison.Ordinal)
            || v.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Collects the ids of the connections that logged in to this test's server.</summary>
    private sealed class ConnectionIds : ISshAuthenticationObserver
    {
        public ConcurrentBag<string> Ids { get; } = [];

        public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal) => Ids.Add(context.ConnectionId);

        public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason)
        {
        }
    }
}
