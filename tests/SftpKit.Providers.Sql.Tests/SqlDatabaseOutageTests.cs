using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// PostgreSQL (a private instance of this test's own) stopped hard and restarted while SSH.NET clients upload to a
/// server whose accounts and quota live in it: during the outage clients get errors (no hang, no crash, no partial
/// file under a target name); after the restart new logins and transfers work without restarting SftpKit, every
/// upload a client saw succeed is on disk intact, and no temp file is left.
/// </summary>
public sealed class SqlDatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-pgout-" + Guid.NewGuid().ToString("N")[..12]);
    private PrivatePostgres? _postgres;
    private SqlServerInstance? _instance;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task PostgreSqlStoppedAndRestarted_DuringTransfers_CleanErrors_ThenRecoversWithoutServerRestart()
    {
        var postgres = await PrivatePostgres.StartAsync();
        _postgres = postgres;
        var database = await SqlTestDatabase.CreatePostgresAsync(postgres.AdminConnectionString);
        _instance = await SqlServerInstance.StartAsync(database, _directory,
            o => o.Defender.Threshold = 1000,
            o =>
            {
                o.AuthCacheDuration = TimeSpan.Zero;
                o.CommandTimeoutSeconds = 5;
            });
        var account = _instance.NewAccount("pgout", a => a.QuotaSize = 1L << 30);
        await _instance.Store.CreateAsync(account, default);
        string home = account.HomeDirectory!;

        var succeeded = new ConcurrentDictionary<string, byte[]>();
        var attempted = new ConcurrentDictionary<string, byte[]>();
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => UploadLoopAsync(w, succeeded, attempted, errors, stop.Token))).ToList();

        await WaitUntilAsync(() => succeeded.Count >= 8, TimeSpan.FromMinutes(2));
        int beforeOutage = succeeded.Count;
        Assert.True((await postgres.StopServerAsync()).ExitCode == 0);
        output.WriteLine($"PostgreSQL stopped after {beforeOutage} uploads");

        // During the outage: a new login is refused in bounded time, and the listener still answers.
        var login = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var fresh = _instance.Client("pgout");
            await fresh.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        });
        output.WriteLine($"login during outage: {refused.GetType().Name}: {refused.Message} after {login.Elapsed.TotalSeconds:0.0}s");
        Assert.IsNotType<TimeoutException>(refused);
        Assert.Contains("temporarily unavailable", refused.Message, StringComparison.Ordinal); // told to retry, no detail
        Assert.StartsWith("SSH-2.0-", await _instance.ReadBannerAsync(), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3)); // transfers keep running into the outage

        Assert.True((await postgres.StartServerAsync()).ExitCode == 0);
        output.WriteLine($"PostgreSQL restarted; {succeeded.Count} uploads succeeded so far, {errors.Count} errors");

        // After the restart: a new login and a verified transfer work (Npgsql drops the dead pooled connections).
        byte[] probe = RandomNumberGenerator.GetBytes(256 * 1024);
        bool recovered = false;
        var recovery = Stopwatch.StartNew();
        for (int i = 0; i < 60 && !recovered; i++)
        {
            try
            {
                using var client = _instance.Client("pgout");
                await client.ConnectAsync(CancellationToken.None);
                await client.UploadFileAsync(new MemoryStream(probe), "/after-restart.bin", CancellationToken.None);
                using var back = new MemoryStream();
                await client.DownloadFileAsync("/after-restart.bin", back, CancellationToken.None);
                Assert.Equal(probe, back.ToArray());
                recovered = true;
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                output.WriteLine($"after restart, try {i}: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(1000);
            }
        }
        Assert.True(recovered, "no login and transfer worked within 60 tries after PostgreSQL restarted");
        output.WriteLine($"recovered {recovery.Elapsed.TotalSeconds:0.0}s after the restart");
        await WaitUntilAsync(() => succeeded.Count >= beforeOutage + 4 + 1, TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        foreach (string e in errors.Take(10))
        {
            output.WriteLine("client error: " + e);
        }
        Assert.NotEmpty(errors); // the outage was seen by the clients
        // Every upload a client saw succeed is intact; a failed one left nothing or the complete file, never part of it.
        foreach (var (name, data) in succeeded)
        {
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(home, name))));
        }
        int publishedDespiteError = 0;
        foreach (var (name, data) in attempted.Where(a => !succeeded.ContainsKey(a.Key)))
        {
            string path = Path.Combine(home, name);
            if (File.Exists(path))
            {
                Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(path)));
                publishedDespiteError++;
            }
        }
        output.WriteLine($"{succeeded.Count} uploads verified; {attempted.Count - succeeded.Count} failed, of which {publishedDespiteError} are complete on disk");
        Assert.Empty(Directory.GetFiles(home, ".sftpkit-*", SearchOption.AllDirectories));

        var quotas = _instance.Services.GetRequiredService<SftpQuotaManager>();
        var files = Directory.GetFiles(home, "*", SearchOption.AllDirectories);
        var truth = new SftpQuotaUsage(files.Sum(f => new FileInfo(f).Length), files.Length);
        // Quota changes the database refused during the outage were kept and retried in the background: the stored
        // usage reaches what is on disk without a scan (the retry backs off to at most 30 s).
        var live = await quotas.GetUsageAsync("pgout", CancellationToken.None);
        var clock = Stopwatch.StartNew();
        while (live != truth && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(500);
            live = await quotas.GetUsageAsync("pgout", CancellationToken.None);
        }
        output.WriteLine($"quota after the outage: live {live}, on disk {truth}, after {clock.Elapsed.TotalSeconds:0.0}s");
        Assert.Equal(truth, live);
        Assert.Equal(truth, await quotas.ScanAsync("pgout", CancellationToken.None));
    }

    private async Task UploadLoopAsync(int worker, ConcurrentDictionary<string, byte[]> succeeded, ConcurrentDictionary<string, byte[]> attempted,
        ConcurrentQueue<string> errors, CancellationToken cancellationToken)
    {
        int n = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var client = _instance!.Client("pgout");
                client.OperationTimeout = TimeSpan.FromSeconds(60);
                await client.ConnectAsync(cancellationToken);
                while (!cancellationToken.IsCancellationRequested)
                {
                    string name = $"w{worker}-{n++:D4}.bin";
                    byte[] data = RandomNumberGenerator.GetBytes(512 * 1024);
                    attempted[name] = data;
                    await client.UploadFileAsync(new MemoryStream(data), "/" + name, cancellationToken);
                    succeeded[name] = data;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                errors.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                try
                {
                    await Task.Delay(500, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, "condition not met in time");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
