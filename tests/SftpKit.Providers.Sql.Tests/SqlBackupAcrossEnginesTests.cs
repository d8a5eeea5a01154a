using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Moving between engines: accounts dumped from a SQLite store (<see cref="SftpAccountBackup.DumpAsync"/>) are restored
/// into PostgreSQL, MariaDB (and SQLite again) behind a real server, and log in there with SSH.NET; hashes, keys,
/// flags and quota usage survive the trip.
/// </summary>
public sealed class SqlBackupAcrossEnginesTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlbak-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<IAsyncDisposable> _owned = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    [InlineData(SqlProvider.Sqlite)]
    public async Task DumpFromSqlite_RestoresInto_AndTheAccountsLogIn(SqlProvider target)
    {
        var sourceDatabase = await SqlTestDatabase.CreateAsync(SqlProvider.Sqlite);
        _owned.Add(sourceDatabase);
        var targetDatabase = await SqlTestDatabase.CreateAsync(target);
        _owned.Add(targetDatabase);

        // The source: a SQLite store with three accounts and some quota usage.
        var source = new SqlUserStore(sourceDatabase!.Options(o => o.AuthCacheDuration = TimeSpan.Zero));
        string homes = Path.Combine(_directory, "homes");
        SftpAccount Account(string name, Action<SftpAccount>? configure = null)
        {
            var account = new SftpAccount
            {
                UserName = name,
                PasswordHash = SftpPasswordHasher.Hash(SqlServerInstance.Password),
                HomeDirectory = Path.Combine(homes, Guid.NewGuid().ToString("N")[..8]),
                QuotaSize = 10_000_000,
                PublicKeys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl " + name],
            };
            Directory.CreateDirectory(account.HomeDirectory);
            configure?.Invoke(account);
            return account;
        }
        var alice = Account("alice");
        // A legacy bcrypt hash (as imported from another server) and SQL metacharacters in the name.
        var obrien = Account("o'brien;--", a => a.PasswordHash = BCrypt.Net.BCrypt.HashPassword("bcrypt pass", 4));
        var off = Account("disabled", a => a.Enabled = false);
        foreach (var account in new[] { alice, obrien, off })
        {
            await source.CreateAsync(account, default);
        }
        await source.SetAsync(SftpQuotaOwner.User("alice"), new SftpQuotaUsage(1234, 5), default);

        // An admin and an API key bound to it travel with the accounts (hashes only).
        var sourceAdmins = new SqlAdminStore(sourceDatabase.Options());
        var admin = new SftpKit.Admin.SftpAdmin { UserName = "ops", PasswordHash = SftpPasswordHasher.Hash("ops password"), Permissions = ["*"], AllowedNetworks = ["10.0.0.0/8"] };
        await sourceAdmins.CreateAsync(admin, default);
        var key = new SftpKit.Admin.SftpApiKey { Id = "k1", Name = "deploy", SecretHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("key secret"u8)), CreatedAt = DateTimeOffset.UtcNow, Admin = "ops" };
        await sourceAdmins.CreateApiKeyAsync(key, default);

        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(source, dump, source, admins: sourceAdmins);

        // The target: a real server on the other engine, restored through its own store.
        await using var server = await SqlServerInstance.StartAsync(targetDatabase, Path.Combine(_directory, "server"));
        dump.Position = 0;
        var targetAdmins = new SqlAdminStore(targetDatabase.Options());
        var restored = await SftpAccountBackup.RestoreAsync(server.Store, dump, SftpRestoreMode.AddOnly, server.Store, admins: targetAdmins);
        Assert.Equal(new SftpRestoreResult(3, 0, 0), restored);
        var adminCopy = await targetAdmins.FindAsync("ops", default);
        Assert.NotNull(adminCopy);
        Assert.Equal(admin.PasswordHash, adminCopy.PasswordHash);
        Assert.Equal(["*"], adminCopy.Permissions);
        Assert.Equal(["10.0.0.0/8"], adminCopy.AllowedNetworks);
        var keyCopy = await targetAdmins.FindApiKeyAsync("k1", default);
        Assert.NotNull(keyCopy);
        Assert.Equal((key.SecretHash, "ops", "deploy"), (keyCopy.SecretHash, keyCopy.Admin, keyCopy.Name));
        dump.Position = 0;
        Assert.Equal(new SftpRestoreResult(0, 0, 3), await SftpAccountBackup.RestoreAsync(server.Store, dump, SftpRestoreMode.AddOnly, server.Store));

        var copy = await server.Store.FindAsync("o'brien;--", default);
        Assert.NotNull(copy);
        Assert.Equal(obrien.PasswordHash, copy.PasswordHash);
        Assert.Equal(obrien.PublicKeys, copy.PublicKeys);
        Assert.Equal(new SftpQuotaUsage(1234, 5), await server.Store.GetAsync(SftpQuotaOwner.User("alice"), default));

        var payload = new byte[54_321];
        Random.Shared.NextBytes(payload);
        foreach (var (account, password) in new[] { (alice, SqlServerInstance.Password), (obrien, "bcrypt pass") })
        {
            using var client = server.Client(account.UserName, password);
            await client.ConnectAsync(default);
            using (var upload = new MemoryStream(payload))
            {
                await client.UploadFileAsync(upload, "moved.bin");
            }
            var names = new List<string>();
            await foreach (var entry in client.ListDirectoryAsync("/", default))
            {
                names.Add(entry.Name);
            }
            Assert.Contains("moved.bin", names);
            client.Disconnect();
            Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(account.HomeDirectory!, "moved.bin")));
        }

        // The restored usage keeps counting on the new engine.
        var usage = default(SftpQuotaUsage);
        for (int i = 0; i < 200 && usage.Size != 1234 + payload.Length; i++)
        {
            usage = await server.Store.GetAsync(SftpQuotaOwner.User("alice"), default);
            await Task.Delay(usage.Size == 1234 + payload.Length ? 0 : 25);
        }
        Assert.Equal(new SftpQuotaUsage(1234 + payload.Length, 6), usage);

        // The disabled flag came along too.
        using var refused = server.Client("disabled");
        await Assert.ThrowsAsync<SshAuthenticationException>(() => refused.ConnectAsync(default));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
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
