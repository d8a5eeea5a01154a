using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Two real SftpKit instances in this process, each with AddSqlUserStore on the same database (SqlSessionLimiter and
/// SqlDefender on): session limits, quota usage and bans hold across both. PostgreSQL is the engine DESIGN.md names
/// for scale-out; MariaDB runs the same tests.
/// </summary>
public sealed class SqlTwoInstanceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sql2x-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<IAsyncDisposable> _owned = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    private async Task<(SqlServerInstance One, SqlServerInstance Two, SqlTestDatabase Database)?> ClusterAsync(
        SqlProvider provider, Action<SftpServerOptions>? server = null)
    {
        var database = await SqlTestDatabase.CreateAsync(provider);
        _owned.Add(database);
        // Instances are disposed before the database (reverse order below).
        var one = await SqlServerInstance.StartAsync(database, _directory, server, o => o.InstanceId = "one");
        _owned.Add(one);
        var two = await SqlServerInstance.StartAsync(database, _directory, server, o => o.InstanceId = "two");
        _owned.Add(two);
        Assert.IsType<SqlSessionLimiter>(one.Services.GetRequiredService<ISftpSessionLimiter>());
        Assert.IsType<SqlDefender>(two.Services.GetRequiredService<ISftpDefender>());
        return (one, two, database);
    }

    [Theory]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    public async Task MaxSessions2_GetsExactlyTwoSessions_AcrossBothInstances_UnderALoginRace(SqlProvider provider)
    {
        // The defender stays on; a high threshold keeps the eight refused logins from banning the test's own address.
        if (await ClusterAsync(provider, o => o.Defender.Threshold = 1000) is not { } cluster)
        {
            return;
        }
        var (one, two, database) = cluster;
        await one.Store.CreateAsync(one.NewAccount("racer", a => a.MaxSessions = 2), default);

        var clients = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? one : two).Client("racer")).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var attempts = clients.Select(client => Task.Run(async () =>
            {
                start.Wait();
                try
                {
                    await client.ConnectAsync(default);
                    return true;
                }
                catch (SshAuthenticationException)
                {
                    return false;
                }
            })).ToList();
            start.Set();
            bool[] admitted = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(2, admitted.Count(a => a));
            Assert.Equal(2, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM session_leases WHERE user_name = 'racer'")));

            // A slot freed on one instance is usable on the other.
            int winner = Array.IndexOf(admitted, true);
            clients[winner].Disconnect();
            var next = (winner % 2 == 0 ? two : one).Client("racer");
            clients.Add(next);
            bool connected = false;
            for (int i = 0; i < 100 && !connected; i++)
            {
                try
                {
                    await next.ConnectAsync(default);
                    connected = true;
                }
                catch (SshAuthenticationException)
                {
                    await Task.Delay(50); // the lease goes when the server notices the disconnect
                }
            }
            Assert.True(connected);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    public async Task ConcurrentUploads_OnBothInstances_LeaveQuotaUsageEqualToAScan(SqlProvider provider)
    {
        if (await ClusterAsync(provider, o => o.Defender.Threshold = 1000) is not { } cluster)
        {
            return;
        }
        var (one, two, _) = cluster;
        var account = one.NewAccount("loader", a => a.QuotaSize = 1L << 30);
        await one.Store.CreateAsync(account, default);

        // Six clients (three per instance), each writing four files, overwriting one of them smaller and deleting
        // another: every kind of delta (new file, replaced file, removed file) from both instances at once.
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            using var client = (w % 2 == 0 ? one : two).Client("loader");
            await client.ConnectAsync(default);
            var random = new Random(w);
            for (int f = 0; f < 4; f++)
            {
                var data = new byte[random.Next(10_000, 300_000)];
                random.NextBytes(data);
                using var stream = new MemoryStream(data);
                await client.UploadFileAsync(stream, $"w{w}-f{f}.bin");
            }
            using (var smaller = new MemoryStream(new byte[1_000 + w]))
            {
                await client.UploadFileAsync(smaller, $"w{w}-f0.bin");
            }
            await client.DeleteFileAsync($"w{w}-f1.bin", default);
            client.Disconnect();
        })).ToList();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(3));

        var home = new DirectoryInfo(account.HomeDirectory!);
        var onDisk = new SftpQuotaUsage(home.EnumerateFiles().Sum(f => f.Length), home.EnumerateFiles().Count());
        Assert.Equal(18, onDisk.Files);

        var manager = two.Services.GetRequiredService<SftpQuotaManager>();
        SftpQuotaUsage stored = default;
        for (int i = 0; i < 200 && stored != onDisk; i++)
        {
            stored = await manager.GetUsageAsync("loader", default);
            await Task.Delay(stored == onDisk ? 0 : 25);
        }
        var scanned = await manager.ScanAsync("loader", default);
        Assert.Equal(onDisk, scanned);
        Assert.Equal(scanned, stored);
    }

    [Theory]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    public async Task BanRecordedOnOneInstance_RefusesTheAddressOnTheOther(SqlProvider provider)
    {
        if (await ClusterAsync(provider, o => o.Defender.Threshold = 3) is not { } cluster)
        {
            return;
        }
        var (one, two, _) = cluster;
        await one.Store.CreateAsync(one.NewAccount("victim"), default);
        Assert.StartsWith("SSH-2.0-", await two.ReadBannerAsync());

        // Failed password logins on instance one only, until its defender bans the address.
        var defender = one.Services.GetRequiredService<ISftpDefender>();
        for (int i = 0; i < 10 && !await defender.IsBannedAsync(IPAddress.Loopback); i++)
        {
            // Refused for the password, or reset when the previous failure's score has just crossed the threshold.
            using var client = one.Client("victim", "wrong password");
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(default));
            Assert.True(failure is SshAuthenticationException or System.Net.Sockets.SocketException or SshConnectionException, failure.ToString());
        }
        Assert.True(await defender.IsBannedAsync(IPAddress.Loopback));

        // Instance two closes the connection before sending its banner; SSH.NET cannot log in there either.
        Assert.Null(await two.ReadBannerAsync());
        using var refused = two.Client("victim");
        await Assert.ThrowsAnyAsync<Exception>(() => refused.ConnectAsync(default));

        // Unbanned through instance two, the address is admitted by instance one again.
        Assert.True(await two.Services.GetRequiredService<ISftpDefender>().UnbanAsync(IPAddress.Loopback));
        Assert.StartsWith("SSH-2.0-", await one.ReadBannerAsync());
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
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
