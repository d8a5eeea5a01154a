using System.Data.Common;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Providers.Sql.Migrations;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// One behaviour suite run against every engine (subclasses below). A test whose engine is not configured is a counted
/// skip (a failure under CI); scripts/test.sh starts PostgreSQL and MariaDB, so CI runs them all.
/// </summary>
public abstract class SqlStoreContractTests : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly List<SqlTestDatabase> _databases = [];

    protected SqlStoreContractTests(ITestOutputHelper output) => _output = output;

    protected abstract SqlProvider Provider { get; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>A fresh database (the test stops through Requires when the engine is not available).</summary>
    private async Task<SqlTestDatabase> DatabaseAsync()
    {
        var database = await SqlTestDatabase.CreateAsync(Provider);
        _databases.Add(database);
        return database;
    }

    internal static SftpAccount FullAccount(string userName) => new()
    {
        UserName = userName,
        Enabled = false,
        ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_123),
        PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
        PublicKeys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkey1 one", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkey2 it's \"two\""],
        HomeDirectory = "/srv/sftp/" + userName + "/ünïcode; DROP TABLE accounts; --",
        FileSystem = new SftpFileSystemConfig { Provider = "s3", Root = "prefix/", Settings = { ["bucket"] = "b", ["region"] = "eu-west-1" } },
        VirtualFolders =
        [
            new SftpVirtualFolder { Name = "shared", VirtualPath = "/shared", FileSystem = new SftpFileSystemConfig { Root = "/srv/shared" }, QuotaSize = 1 << 20, QuotaFiles = 10 },
        ],
        Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["list", "download"], ["/in"] = ["*"] },
        FilePatterns = [new SftpPathFilter { Path = "/photos", AllowedPatterns = ["*.jpg"], DeniedPatterns = ["*.exe", "[!a]*"] }],
        MaxSessions = 3,
        QuotaSize = 5_000_000_000,
        QuotaFiles = 1000,
        UploadBandwidth = 100,
        DownloadBandwidth = 200,
        MaxUploadFileSize = 1 << 30,
        AllowedIPs = ["10.0.0.0/8", "2001:db8::/32"],
        DeniedIPs = ["10.1.2.3"],
        DeniedLoginMethods = ["keyboard-interactive"],
        RequiredLoginSteps = ["publickey", "password"],
        Uid = 1001,
        Gid = 1002,
        Description = "Robert'); DROP TABLE accounts;-- \\ % _ ` \" 😀",
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["team"] = "x'y", ["$where"] = "1=1 OR ''=''" },
        LastLogin = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_456),
        Role = "finance'; --",
        AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 1, From = "08:00", To = "18:30" }, new SftpAccessTimeWindow { DayOfWeek = 6, From = "00:00", To = "23:59" }],
        AccessTimeZone = "Europe/Rome",
        UploadDataTransfer = 100,
        DownloadDataTransfer = 200,
        TotalDataTransfer = 250,
        DataTransferPeriod = SftpDataTransferPeriod.Month,
        PasswordExpirationDays = 90,
        PasswordChangedAt = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_789),
        PasswordStrength = 60,
        DeniedProtocols = ["HTTP"],
    };

    private static string Json(SftpAccount? account) => JsonSerializer.Serialize(account);

    [Fact]
    public async Task Accounts_RoundTripEveryField_AndStoreMetacharactersVerbatim()
    {
        var db = await DatabaseAsync();
        var store = new SqlUserStore(db.Options());
        var account = FullAccount("alice'; --");
        await store.CreateAsync(account, default);
        Assert.Equal(Json(account), Json(await store.FindAsync(account.UserName, default)));
        Assert.Null(await store.FindAsync("ALICE'; --", default)); // case-sensitive on every engine
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateAsync(FullAccount("alice'; --"), default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(new SftpAccount { UserName = "a/b" }, default).AsTask());

        var changed = new SftpAccount { UserName = account.UserName, PasswordHash = "$2b$10$abc", HomeDirectory = "/h" };
        Assert.True(await store.UpdateAsync(changed, default));
        var read = await store.FindAsync(account.UserName, default);
        changed.LastLogin = account.LastLogin; // kept by the store, not by updates
        Assert.Equal(Json(changed), Json(read));
        Assert.False(await store.UpdateAsync(new SftpAccount { UserName = "nobody" }, default));

        await store.UpdatePasswordHashAsync(account.UserName, "$2b$10$wrong", "$argon2id$new", default);
        Assert.Equal("$2b$10$abc", (await store.FindAsync(account.UserName, default))!.PasswordHash);
        await store.UpdatePasswordHashAsync(account.UserName, "$2b$10$abc", "$argon2id$new", default);
        Assert.Equal("$argon2id$new", (await store.FindAsync(account.UserName, default))!.PasswordHash);
        var login = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        await store.RecordLoginAsync(account.UserName, login, default);
        Assert.Equal(login, (await store.FindAsync(account.UserName, default))!.LastLogin);

        await store.CreateAsync(FullAccount("bob"), default);
        var names = new List<string>();
        await foreach (var a in store.ListAsync(default))
        {
            names.Add(a.UserName);
        }
        Assert.Equal(["alice'; --", "bob"], names);
        Assert.True(await store.DeleteAsync("bob", default));
        Assert.False(await store.DeleteAsync("bob", default));
        Assert.Null(await store.FindAsync("bob", default));
        Assert.Equal(1L, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM accounts")));
    }

    [Fact]
    public async Task Registration_BindsConfiguration_MigratesAtStart_AndNeverLogsTheConnectionString()
    {
        var db = await DatabaseAsync();
        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-sqlreg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(keys);
        try
        {
            var made = await SftpKit.Tests.Interop.ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(keys, "host")]);
            Assert.Equal(0, made.ExitCode);
            var logs = new ListLoggerProvider();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SftpKit:Sql:Provider"] = Provider.ToString(),
                ["SftpKit:Sql:ConnectionString"] = db.ConnectionString,
                ["SftpKit:Sql:UseSqlDefender"] = "false",
            });
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            builder.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyFiles.Add(Path.Combine(keys, "host"));
                })
                .AddSqlUserStore(o => o.AuthCacheDuration = TimeSpan.Zero);
            using var host = builder.Build();
            await host.StartAsync();
            try
            {
                Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.GetVersionAsync(db.Options())); // migrated before the server listened
                Assert.IsType<SqlSessionLimiter>(host.Services.GetRequiredService<ISftpSessionLimiter>());
                Assert.IsNotType<SqlDefender>(host.Services.GetRequiredService<ISftpDefender>()); // kept in memory by configuration
                var store = Assert.IsType<SqlUserStore>(host.Services.GetRequiredService<SftpKit.Accounts.ISftpUserStore>());
                Assert.Equal(Provider, store.Provider);
            }
            finally
            {
                await host.StopAsync();
            }
            var sql = logs.Lines.Where(l => l.Id.Id is >= 6000 and < 6050).ToList();
            Assert.Contains(sql, l => l.Id.Id == 6000 && l.Text.Contains(Provider.ToString(), StringComparison.Ordinal));
            Assert.Contains(sql, l => l.Id.Id == 6001);
            var settings = new DbConnectionStringBuilder { ConnectionString = db.ConnectionString };
            string? password = settings.TryGetValue("Password", out object? value) ? value?.ToString() : null;
            foreach (var (_, _, text) in logs.Lines)
            {
                Assert.DoesNotContain(db.ConnectionString, text, StringComparison.Ordinal);
                if (!string.IsNullOrEmpty(password))
                {
                    Assert.DoesNotContain(password, text, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task AuthCache_ServesRecentReads_AndOwnWritesInvalidateIt()
    {
        var db = await DatabaseAsync();
        var time = new FakeTimeProvider();
        var cached = new SqlUserStore(db.Options(o => o.AuthCacheDuration = TimeSpan.FromSeconds(5)), time: time);
        var other = new SqlUserStore(db.Options(o => o.AuthCacheDuration = TimeSpan.Zero));
        await cached.CreateAsync(new SftpAccount { UserName = "carol", Description = "v1" }, default);
        Assert.Equal("v1", (await cached.FindAsync("carol", default))!.Description);

        await other.UpdateAsync(new SftpAccount { UserName = "carol", Description = "v2" }, default);
        Assert.Equal("v2", (await other.FindAsync("carol", default))!.Description); // 0 disables the cache
        Assert.Equal("v1", (await cached.FindAsync("carol", default))!.Description); // another instance's write: seen after the cache time
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("v2", (await cached.FindAsync("carol", default))!.Description);

        await cached.UpdateAsync(new SftpAccount { UserName = "carol", Description = "v3" }, default);
        Assert.Equal("v3", (await cached.FindAsync("carol", default))!.Description); // own write: at once
        await cached.DeleteAsync("carol", default);
        Assert.Null(await cached.FindAsync("carol", default));
    }

    [Fact]
    public async Task DataTransferUsage_IsKeptApartFromQuota_PerKindAndPeriod()
    {
        var db = await DatabaseAsync();
        var one = new SqlUserStore(db.Options());
        var two = new SqlUserStore(db.Options());
        var now = new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
        var (up, down) = SftpDataTransferUsage.Owners("erin", SftpDataTransferPeriod.Month, now);
        var (nextUp, _) = SftpDataTransferUsage.Owners("erin", SftpDataTransferPeriod.Month, now.AddMonths(1));
        Assert.Equal("erin/2026-12", up.Name);
        await one.AddAsync(SftpQuotaOwner.User("erin"), 10, 1, default);
        await one.AddAsync(up, 1000, 0, default);
        await two.AddAsync(up, 24, 0, default);
        await one.AddAsync(down, 7, 0, default);
        Assert.Equal(new SftpQuotaUsage(10, 1), await two.GetAsync(SftpQuotaOwner.User("erin"), default));
        Assert.Equal(1024L, (await two.GetAsync(up, default)).Size);
        Assert.Equal(7L, (await two.GetAsync(down, default)).Size);
        Assert.Equal(0L, (await two.GetAsync(nextUp, default)).Size); // a new period starts from zero
        await two.SetAsync(up, default, default);
        Assert.Equal(0L, (await one.GetAsync(up, default)).Size);
    }

    [Fact]
    public async Task Quota_ParallelAddsFromSeveralInstances_EqualTheSum()
    {
        var db = await DatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => new SqlUserStore(db.Options())).ToArray();
        await stores[0].EnsureSchemaAsync();
        var owner = SftpQuotaOwner.User("dave");
        var folder = SftpQuotaOwner.Folder("dave");
        const int perStore = 40;
        await Task.WhenAll(stores.SelectMany((store, s) => Enumerable.Range(0, perStore).Select(i => Task.Run(async () =>
        {
            await store.AddAsync(owner, 1000 + i, 1, default);
            await store.AddAsync(folder, 7, 0, default);
        }))));
        long expectedSize = stores.Length * Enumerable.Range(0, perStore).Sum(i => 1000L + i);
        Assert.Equal(new SftpQuotaUsage(expectedSize, stores.Length * perStore), await stores[1].GetAsync(owner, default));
        Assert.Equal(new SftpQuotaUsage(7L * stores.Length * perStore, 0), await stores[2].GetAsync(folder, default));

        await stores[0].AddAsync(owner, -expectedSize - 5, -1, default);
        Assert.Equal(new SftpQuotaUsage(0, stores.Length * perStore - 1), await stores[0].GetAsync(owner, default)); // never below zero
        await stores[0].SetAsync(owner, new SftpQuotaUsage(42, 2), default);
        Assert.Equal(new SftpQuotaUsage(42, 2), await stores[1].GetAsync(owner, default));
        Assert.Equal(default, await stores[1].GetAsync(SftpQuotaOwner.User("nobody"), default));
    }

    [Fact]
    public async Task Migrations_UpgradeEmptyAndEveryEarlierVersion_Idempotently()
    {
        // Every released version (a branch may lack a number another branch holds).
        foreach (int from in SqlSchema.Steps.Select(s => s.Version).Where(v => v < SqlMigrator.LatestVersion).Prepend(0))
        {
            var db = await DatabaseAsync();
            var options = db.Options();
            Assert.Equal(0, await SqlMigrator.GetVersionAsync(options));
            if (from > 0)
            {
                Assert.Equal(from, await SqlMigrator.MigrateAsync(options, from));
                // Rows written in the old version's shape survive the upgrade.
                await db.ScalarAsync(
                    "INSERT INTO session_leases (lease_id, user_name, slot, instance_id, expires_at, created_at) VALUES ('old', 'erin', 1, 'gone', 1, 1)");
                await db.ScalarAsync("INSERT INTO quota_usage (owner_kind, owner_name, size, files, updated_at) VALUES ('user', 'erin', 5, 1, 1)");
            }
            Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.MigrateAsync(options));
            Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.MigrateAsync(options)); // again: nothing to do
            Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.GetVersionAsync(options));
            Assert.Equal((long)SqlSchema.Steps.Count, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM schema_version")));

            var store = new SqlUserStore(options);
            if (from > 0)
            {
                Assert.Equal(new SftpQuotaUsage(5, 1), await store.GetAsync(SftpQuotaOwner.User("erin"), default));
            }
            await using var limiter = new SqlSessionLimiter(options);
            // The expired v1 lease is cleared; the v2 column is written.
            Assert.NotNull(await limiter.TryAcquireAsync("erin", 1, "conn-v2", default));
            Assert.Equal("conn-v2", await db.ScalarAsync("SELECT connection_id FROM session_leases WHERE user_name = 'erin'"));
        }
    }

    [Fact]
    public async Task Migrations_RefuseNewerDatabase_AndOlderWhenMigrationIsOff()
    {
        var db = await DatabaseAsync();
        await SqlMigrator.MigrateAsync(db.Options(), 1);
        var noMigrate = new SqlUserStore(db.Options(o => o.MigrateOnStart = false));
        var older = await Assert.ThrowsAsync<SqlSchemaVersionException>(() => noMigrate.EnsureSchemaAsync());
        Assert.Equal(1, older.DatabaseVersion);
        Assert.Equal(1, await SqlMigrator.GetVersionAsync(db.Options())); // untouched

        await SqlMigrator.MigrateAsync(db.Options());
        int future = SqlMigrator.LatestVersion + 1;
        await db.ScalarAsync($"INSERT INTO schema_version (version, description, applied_at) VALUES ({future}, 'from a later SftpKit', 0)");
        var store = new SqlUserStore(db.Options());
        var newer = await Assert.ThrowsAsync<SqlSchemaVersionException>(() => store.FindAsync("x", default).AsTask());
        Assert.Contains("newer", newer.Message, StringComparison.Ordinal);
        Assert.Equal(future, newer.DatabaseVersion);
        await Assert.ThrowsAsync<SqlSchemaVersionException>(() => SqlMigrator.MigrateAsync(db.Options()));
    }

    [Fact]
    public async Task SessionLimiter_ParallelAcquiresOnTwoInstances_ExactlyMax()
    {
        var db = await DatabaseAsync();
        await SqlMigrator.MigrateAsync(db.Options());
        await using var a = new SqlSessionLimiter(db.Options(o => o.InstanceId = "a"));
        await using var b = new SqlSessionLimiter(db.Options(o => o.InstanceId = "b"));
        // Several rounds of logins released together, half on each instance; every round must end with exactly 2.
        List<ISftpSessionLease?> held = [];
        for (int round = 0; round < 6; round++)
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var attempts = Enumerable.Range(0, 24)
                .Select(i => Task.Run(async () =>
                {
                    await go.Task;
                    return await (i % 2 == 0 ? a : b).TryAcquireAsync($"frank{round}", 2, $"c{i}", default);
                }))
                .ToArray();
            go.SetResult();
            var leases = await Task.WhenAll(attempts);
            held = leases.Where(l => l is not null).ToList();
            Assert.Equal(2, held.Count);
            Assert.Equal(2, await b.GetActiveSessionsAsync($"frank{round}", default));
        }
        await a.TryAcquireAsync("frank", 2, "c1", default);
        held = [await b.TryAcquireAsync("frank", 2, "c2", default)];
        Assert.NotNull(held[0]);
        Assert.Null(await a.TryAcquireAsync("frank", 2, "late", default));

        await held[0]!.DisposeAsync();
        await held[0]!.DisposeAsync(); // idempotent
        Assert.Equal(1, await a.GetActiveSessionsAsync("frank", default));
        var again = await b.TryAcquireAsync("frank", 2, "again", default);
        Assert.NotNull(again);
        Assert.Null(await a.TryAcquireAsync("frank", 2, "late", default));

        // Unlimited sessions are counted, and count against a limit set later.
        for (int i = 0; i < 3; i++)
        {
            Assert.NotNull(await a.TryAcquireAsync("grace", 0, $"u{i}", default));
        }
        Assert.Equal(3, await a.GetActiveSessionsAsync("grace", default));
        Assert.Null(await b.TryAcquireAsync("grace", 3, "limited", default));
    }

    [Fact]
    public async Task SessionLimiter_LeasesOfADeadInstanceExpire_LiveOnesAreRenewed()
    {
        var db = await DatabaseAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lease = TimeSpan.FromMinutes(10);
        var renew = TimeSpan.FromMinutes(4);
        SqlStoreOptions Options(string id) => db.Options(o => { o.InstanceId = id; o.SessionLeaseDuration = lease; o.SessionLeaseRenewInterval = renew; });
        var dead = new SqlSessionLimiter(Options("dead"), time: time);
        Assert.NotNull(await dead.TryAcquireAsync("heidi", 2, "d1", default));
        Assert.NotNull(await dead.TryAcquireAsync("heidi", 2, "d2", default));
        await dead.DisposeAsync(); // the instance dies: no renewal, no release

        await using var live = new SqlSessionLimiter(Options("live"), time: time);
        Assert.Null(await live.TryAcquireAsync("heidi", 2, "l1", default));
        Assert.NotNull(await live.TryAcquireAsync("ivan", 1, "l2", default));

        time.Advance(renew); // the live instance's timer renews its lease
        long renewedTo = time.GetUtcNow().Add(lease).ToUnixTimeMilliseconds();
        for (int i = 0; i < 200 && Convert.ToInt64(await db.ScalarAsync("SELECT expires_at FROM session_leases WHERE user_name = 'ivan'")) < renewedTo; i++)
        {
            await Task.Delay(25);
        }
        Assert.Equal(renewedTo, Convert.ToInt64(await db.ScalarAsync("SELECT expires_at FROM session_leases WHERE user_name = 'ivan'")));

        time.Advance(lease - renew + TimeSpan.FromSeconds(1)); // past the dead instance's expiry
        Assert.Equal(0, await live.GetActiveSessionsAsync("heidi", default));
        Assert.Equal(1, await live.GetActiveSessionsAsync("ivan", default));
        Assert.NotNull(await live.TryAcquireAsync("heidi", 2, "l3", default));
        Assert.NotNull(await live.TryAcquireAsync("heidi", 2, "l4", default));
        Assert.Null(await live.TryAcquireAsync("heidi", 2, "l5", default));
    }

    [Fact]
    public async Task Defender_BanRecordedOnOneInstance_RefusesOnTheOther()
    {
        var db = await DatabaseAsync();
        await SqlMigrator.MigrateAsync(db.Options());
        var settings = new SftpDefenderOptions { Threshold = 15, ScoreUnknownUser = 2 };
        settings.SafeList.Add("192.0.2.0/24");
        var one = new SqlDefender(db.Options(), settings);
        var two = new SqlDefender(db.Options(), settings);
        var attacker = IPAddress.Parse("198.51.100.7");

        // Both instances score the host at once: one ban, recorded once.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? one : two).AddEventAsync(attacker, SftpDefenderEvent.UnknownUser))));
        Assert.True(await one.IsBannedAsync(attacker));
        Assert.Equal(1L, Convert.ToInt64(await db.ScalarAsync("SELECT ban_count FROM defender_hosts WHERE ip = '198.51.100.7'")));
        Assert.False(await two.AdmitConnectionAsync(IPAddress.Parse("::ffff:198.51.100.7")));
        var entry = Assert.Single(await two.GetHostsAsync());
        Assert.Equal(attacker, entry.Address);
        Assert.True(entry.IsBanned);

        var safe = IPAddress.Parse("192.0.2.9");
        for (int i = 0; i < 10; i++)
        {
            await one.AddEventAsync(safe, SftpDefenderEvent.UnknownUser);
        }
        Assert.True(await two.AdmitConnectionAsync(safe));
        Assert.Null(await two.GetHostAsync(safe));

        var scored = IPAddress.Parse("203.0.113.5");
        await one.AddEventAsync(scored, SftpDefenderEvent.InvalidCredentials);
        Assert.Equal(1, (await two.GetHostAsync(scored))!.Score);

        Assert.True(await two.UnbanAsync(attacker));
        Assert.True(await one.AdmitConnectionAsync(attacker));
        Assert.False(await one.UnbanAsync(attacker));
        await one.BanAsync(scored, TimeSpan.FromMinutes(5));
        Assert.False(await two.AdmitConnectionAsync(scored));
    }

    [Fact]
    public async Task StorageSecrets_AreStoredProtected_ReadPlain_AndPlainRowsAreProtectedAtTheNextSave()
    {
        var db = await DatabaseAsync();
        const string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        const string sseKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
        string keyFile = Path.Combine(Path.GetTempPath(), "sftpkit-sqlkey-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using var protector = AesGcmSecretProtector.FromKeyFile(keyFile);
            var store = new SqlUserStore(db.Options(o => o.AuthCacheDuration = TimeSpan.Zero), secretProtector: protector);
            var account = FullAccount("secretive");
            account.FileSystem!.Settings["SecretAccessKey"] = secret;
            account.FileSystem.Settings["SseCustomerKey"] = sseKey;
            account.VirtualFolders[0].FileSystem.Settings["SecretAccessKey"] = secret;
            await store.CreateAsync(account, default);

            // At rest: $aes$ values, no plain secret in either JSON column; through the store: plain values.
            string stored = (string)(await db.ScalarAsync("SELECT file_system FROM accounts WHERE user_name = 'secretive'"))!
                + (string)(await db.ScalarAsync("SELECT virtual_folders FROM accounts WHERE user_name = 'secretive'"))!;
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret.Replace("/", "\\/", StringComparison.Ordinal), stored, StringComparison.Ordinal);
            Assert.DoesNotContain(sseKey, stored, StringComparison.Ordinal);
            Assert.Equal(3, stored.Split("$aes$").Length - 1);
            var found = await store.FindAsync("secretive", default);
            Assert.Equal(secret, found!.FileSystem!.Settings["SecretAccessKey"]);
            Assert.Equal(sseKey, found.FileSystem.Settings["SseCustomerKey"]);
            Assert.Equal(secret, found.VirtualFolders[0].FileSystem.Settings["SecretAccessKey"]);
            Assert.Equal(sseKey, (await store.ListAsync(default).SingleAsync(a => a.UserName == "secretive")).FileSystem!.Settings["SseCustomerKey"]);

            // A row written without protection reads plain, and is protected when the account is next saved.
            var plainStore = new SqlUserStore(db.Options());
            var legacy = FullAccount("legacy");
            legacy.FileSystem!.Settings["SseCustomerKey"] = sseKey;
            await plainStore.CreateAsync(legacy, default);
            Assert.Contains(sseKey, (string)(await db.ScalarAsync("SELECT file_system FROM accounts WHERE user_name = 'legacy'"))!, StringComparison.Ordinal);
            var read = await store.FindAsync("legacy", default);
            Assert.Equal(sseKey, read!.FileSystem!.Settings["SseCustomerKey"]);
            Assert.True(await store.UpdateAsync(read, default));
            string migrated = (string)(await db.ScalarAsync("SELECT file_system FROM accounts WHERE user_name = 'legacy'"))!;
            Assert.DoesNotContain(sseKey, migrated, StringComparison.Ordinal);
            Assert.Contains("$aes$", migrated, StringComparison.Ordinal);
            Assert.Equal(sseKey, (await store.FindAsync("legacy", default))!.FileSystem!.Settings["SseCustomerKey"]);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}

public sealed class SqliteStoreTests(ITestOutputHelper output) : SqlStoreContractTests(output)
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlStoreTests(ITestOutputHelper output) : SqlStoreContractTests(output)
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlStoreTests(ITestOutputHelper output) : SqlStoreContractTests(output)
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
