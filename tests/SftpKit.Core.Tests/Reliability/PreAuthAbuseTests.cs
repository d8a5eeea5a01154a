using SftpKit.Sessions;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Hosting;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Reliability;

/// <summary>
/// Pre-authentication abuse: hundreds of connections (<c>SFTPKIT_PREAUTH_CONNECTIONS</c>, default 300; 1000 at full
/// size) from many loopback addresses send their banner a byte at a time or nothing at all. The unauthenticated
/// connection gate holds them to its cap, and a real OpenSSH client from another address still logs in; afterwards
/// each address that held handshakes open is scored by the defender.
/// </summary>
[Collection("Fuzzing")] // measured alone: the test reads the process's memory
public sealed class PreAuthAbuseTests : IAsyncLifetime
{
    private const string Startups = "50:30:100";
    private const int PerHost = 20;

    private readonly ITestOutputHelper _output;
    private readonly TestServer _server = new()
    {
        Configure = o =>
        {
            o.Limits.MaxUnauthenticatedConnections = Startups;
            o.Limits.MaxConnectionsPerHost = PerHost;
            o.Limits.LoginGraceTime = TimeSpan.FromMinutes(2); // the flood must outlast the test
            o.Defender.Enabled = true;
            o.Defender.Threshold = 1000; // scored, never banned here: the test reads the scores
        },
    };

    public PreAuthAbuseTests(ITestOutputHelper output) => _output = output;

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static int FloodSize =>
        int.TryParse(Environment.GetEnvironmentVariable("SFTPKIT_PREAUTH_CONNECTIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 300;

    [Fact]
    public async Task Slow_banner_flood_from_many_addresses_does_not_lock_out_a_real_client()
    {
        int total = FloodSize;
        int hosts = (total + PerHost - 1) / PerHost;
        var sources = Enumerable.Range(0, hosts).Select(i => $"127.0.1.{10 + i}").ToList();
        var sockets = new List<Socket>();
        var server = _server.Services.GetRequiredService<ISftpServer>();
        // Every accepted connection is either opened (held by the gate) or refused, and the server's meter counts
        // each decision: once all of the flood is counted, the gate has had its chance to admit too many.
        int opened = 0;
        int refused = 0;
        var allDecided = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var meter = _server.Services.GetRequiredService<SftpMetrics>().Meter;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name is "sftpkit.connections.active" or "sftpkit.connections.refused")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (value <= 0)
            {
                return; // a connection closing
            }
            int decided = instrument.Name == "sftpkit.connections.refused" ? Interlocked.Increment(ref refused) + Volatile.Read(ref opened)
                : Interlocked.Increment(ref opened) + Volatile.Read(ref refused);
            if (decided >= total)
            {
                allDecided.TrySetResult();
            }
        });
        listener.Start();
        long rssBefore = Process.GetCurrentProcess().WorkingSet64;
        try
        {
            for (int i = 0; i < total; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(sources[i % hosts]), 0));
                await socket.ConnectAsync(IPAddress.Loopback, _server.Port);
                sockets.Add(socket);
            }
            // Half trickle "SSH-2.0-" one byte per round (never a whole line), half stay silent.
            using var trickleStop = new CancellationTokenSource();
            var trickle = Task.Run(async () =>
            {
                byte[] banner = "SSH-2.0-slowloris-"u8.ToArray();
                for (int round = 0; !trickleStop.IsCancellationRequested; round++)
                {
                    for (int i = 0; i < sockets.Count; i += 2)
                    {
                        try
                        {
                            await sockets[i].SendAsync(banner.AsMemory(round % banner.Length, 1), SocketFlags.None);
                        }
                        catch (SocketException)
                        {
                            // Refused or evicted by the server: expected for the connections past the cap.
                        }
                    }
                    await Task.Delay(500);
                }
            });

            await allDecided.Task.WaitAsync(TimeSpan.FromSeconds(60)); // a bound, not a speed claim
            int held = server.ConnectionCount;
            (int admitted, int dropped) = (Volatile.Read(ref opened), Volatile.Read(ref refused));
            long rssHeld = Process.GetCurrentProcess().WorkingSet64;

            var clock = Stopwatch.StartNew();
            var login = await _server.SshAsync("echo alive", null, "ed25519", "-o", "BindAddress=127.0.2.1");
            clock.Stop();
            int heldAfter = server.ConnectionCount;
            await trickleStop.CancelAsync();
            await trickle;

            _output.WriteLine($"flood {total} connections from {hosts} addresses: {admitted} admitted, {dropped} refused; held {held} unauthenticated (cap {Startups}); " +
                $"RSS +{(rssHeld - rssBefore) / 1024 / 1024} MiB while held; real client logged in after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(login.ExitCode == 0, login.StandardError);
            Assert.Equal("alive\n", login.Text);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"login took {clock.Elapsed}");
            Assert.InRange(held, 50, 100);
            Assert.True(heldAfter <= 101, $"{heldAfter} connections after the login");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // Every address whose handshakes were held and abandoned is scored; the real client's address is not.
        var defender = _server.Services.GetRequiredService<ISftpDefender>();
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            foreach (string source in sources)
            {
                if (await defender.GetHostAsync(IPAddress.Parse(source)) is not { Score: > 0 })
                {
                    return false;
                }
            }
            return true;
        }), "a flooding address was not scored");
        Assert.Null(await defender.GetHostAsync(IPAddress.Parse("127.0.2.1")));
        Assert.True(await Eventually.TrueAsync(() => server.ConnectionCount == 0), "flood connections were not released");
    }
}
