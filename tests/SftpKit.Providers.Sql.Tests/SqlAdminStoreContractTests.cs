using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// The admin API's stores on every engine: admins and API keys (<see cref="SqlAdminStore"/>) and folder definitions
/// (<see cref="SqlFolderStore"/>) and shares (<see cref="SqlShareStore"/>), seen by a second store instance on the same database, with SQL metacharacters
/// stored verbatim. Engines without a server are a counted skip (a failure under CI).
/// </summary>
public abstract class SqlAdminStoreContractTests : IAsyncLifetime
{
    private SqlTestDatabase? _database;

    protected abstract SqlProvider Provider { get; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private async Task<SqlTestDatabase> DatabaseAsync()
    {
        _database = await SqlTestDatabase.CreateAsync(Provider);
        return _database;
    }

    private const string Nasty = "Robert'); DROP TABLE admins;-- \\ % _ ` \" 😀";

    [Fact]
    public async Task Admins_and_api_keys_round_trip_between_instances_and_deleting_an_admin_drops_its_keys()
    {
        var db = await DatabaseAsync();
        var one = new SqlAdminStore(db.Options());
        var two = new SqlAdminStore(db.Options());
        var root = new SftpAdmin
        {
            UserName = "root",
            PasswordHash = SftpPasswordHasher.Hash("pw"),
            Permissions = ["*"],
            AllowedNetworks = ["10.0.0.0/8", "2001:db8::/32"],
            AllowApiKeyAuth = true,
            Description = Nasty,
        };
        await one.CreateAsync(root, default);
        await one.CreateAsync(new SftpAdmin { UserName = Nasty, Enabled = false }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateAsync(new SftpAdmin { UserName = "root" }, default));

        var read = (await two.FindAsync("root", default))!;
        Assert.Equal((root.PasswordHash, true, true, Nasty), (read.PasswordHash, read.Enabled, read.AllowApiKeyAuth, read.Description));
        Assert.Equal(["*"], read.Permissions);
        Assert.Equal(root.AllowedNetworks, read.AllowedNetworks);
        var odd = (await two.FindAsync(Nasty, default))!;
        Assert.Equal((null, false, false), (odd.PasswordHash, odd.Enabled, odd.AllowApiKeyAuth));
        Assert.Null(await two.FindAsync("ROOT", default)); // names are case-sensitive on every engine
        Assert.Equal(new[] { "root", Nasty }.Order(StringComparer.Ordinal), (await ToListAsync(two.ListAsync(default), a => a.UserName)).Order(StringComparer.Ordinal));

        read.Permissions = ["manage_users"];
        read.AllowedNetworks = [];
        read.Enabled = false;
        Assert.True(await two.UpdateAsync(read, default));
        var updated = (await one.FindAsync("root", default))!;
        Assert.Equal((false, 1, 0), (updated.Enabled, updated.Permissions.Count, updated.AllowedNetworks.Count));
        Assert.False(await one.UpdateAsync(new SftpAdmin { UserName = "ghost" }, default));

        var created = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        await one.CreateApiKeyAsync(new SftpApiKey { Id = "k1", Name = "ci", SecretHash = new string('a', 64), CreatedAt = created, Admin = "root", ExpiresAt = created.AddDays(30), Description = Nasty }, default);
        await one.CreateApiKeyAsync(new SftpApiKey { Id = "k2", Name = "unbound", SecretHash = new string('b', 64), CreatedAt = created.AddSeconds(1) }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateApiKeyAsync(new SftpApiKey { Id = "k1", Name = "x", SecretHash = "c" }, default));
        var key = (await two.FindApiKeyAsync("k1", default))!;
        Assert.Equal(("ci", new string('a', 64), created, created.AddDays(30), "root", Nasty),
            (key.Name, key.SecretHash, key.CreatedAt, key.ExpiresAt, key.Admin, key.Description));
        Assert.Equal(["k1", "k2"], await ToListAsync(two.ListApiKeysAsync(default), k => k.Id));

        Assert.True(await two.DeleteAsync("root", default));
        Assert.Null(await one.FindAsync("root", default));
        Assert.Null(await one.FindApiKeyAsync("k1", default)); // bound keys go with their admin
        Assert.NotNull(await one.FindApiKeyAsync("k2", default));
        Assert.True(await one.DeleteApiKeyAsync("k2", default));
        Assert.False(await one.DeleteApiKeyAsync("k2", default));
        Assert.False(await one.DeleteAsync("root", default));
        Assert.Equal(1L, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM admins"))); // the DROP TABLE text was data
    }

    [Fact]
    public async Task Roles_round_trip_between_instances_and_admins_keep_their_role()
    {
        var db = await DatabaseAsync();
        var one = new SqlRoleStore(db.Options());
        var two = new SqlRoleStore(db.Options());
        await one.CreateAsync(new SftpRole { Name = "finance", Description = Nasty }, default);
        await one.CreateAsync(new SftpRole { Name = "Robert'); DROP TABLE roles;--" }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateAsync(new SftpRole { Name = "finance" }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await two.CreateAsync(new SftpRole { Name = "a/b" }, default));
        Assert.Equal(Nasty, (await two.FindAsync("finance", default))!.Description);
        Assert.Null(await two.FindAsync("FINANCE", default));
        Assert.Equal(new[] { "Robert'); DROP TABLE roles;--", "finance" }.Order(StringComparer.Ordinal),
            await ToListAsync(two.ListAsync(default), r => r.Name));
        Assert.True(await two.UpdateAsync(new SftpRole { Name = "finance", Description = "money" }, default));
        Assert.Equal("money", (await one.FindAsync("finance", default))!.Description);
        Assert.False(await two.UpdateAsync(new SftpRole { Name = "ghost" }, default));
        Assert.True(await one.DeleteAsync("Robert'); DROP TABLE roles;--", default));
        Assert.False(await two.DeleteAsync("Robert'); DROP TABLE roles;--", default));
        Assert.Equal(1L, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM roles")));

        var admins = new SqlAdminStore(db.Options());
        await admins.CreateAsync(new SftpAdmin { UserName = "lead", PasswordHash = SftpPasswordHasher.Hash("pw"), Role = "finance", Permissions = ["manage_users"] }, default);
        Assert.Equal("finance", (await new SqlAdminStore(db.Options()).FindAsync("lead", default))!.Role);
        var lead = (await admins.FindAsync("lead", default))!;
        lead.Role = null;
        Assert.True(await admins.UpdateAsync(lead, default));
        Assert.Null((await admins.FindAsync("lead", default))!.Role);
    }

    [Fact]
    public async Task Folder_definitions_round_trip_between_instances()
    {
        var db = await DatabaseAsync();
        var one = new SqlFolderStore(db.Options());
        var two = new SqlFolderStore(db.Options());
        var folder = new SftpFolder
        {
            Name = "shared",
            FileSystem = new SftpFileSystemConfig { Provider = "s3", Root = "team/", Settings = { ["bucket"] = Nasty } },
            QuotaSize = 5_000_000_000,
            QuotaFiles = 12,
            Description = Nasty,
        };
        await one.CreateAsync(folder, default);
        await one.CreateAsync(new SftpFolder { Name = Nasty, FileSystem = new SftpFileSystemConfig { Root = "/srv/x" } }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateAsync(new SftpFolder { Name = "shared" }, default));
        var read = (await two.FindAsync("shared", default))!;
        Assert.Equal(("s3", "team/", Nasty, 5_000_000_000L, 12L, Nasty),
            (read.FileSystem.Provider, read.FileSystem.Root, read.FileSystem.Settings["bucket"], read.QuotaSize, read.QuotaFiles, read.Description));
        Assert.Equal(new[] { "shared", Nasty }.Order(StringComparer.Ordinal), (await ToListAsync(two.ListAsync(default), f => f.Name)).Order(StringComparer.Ordinal));

        read.FileSystem = new SftpFileSystemConfig { Root = "/srv/shared" };
        read.QuotaFiles = 0;
        Assert.True(await two.UpdateAsync(read, default));
        var updated = (await one.FindAsync("shared", default))!;
        Assert.Equal(("local", "/srv/shared", 0L), (updated.FileSystem.Provider, updated.FileSystem.Root, updated.QuotaFiles));
        Assert.False(await one.UpdateAsync(new SftpFolder { Name = "ghost" }, default));
        Assert.True(await one.DeleteAsync("shared", default));
        Assert.False(await two.DeleteAsync("shared", default));
        Assert.Null(await two.FindAsync("shared", default));
    }

    [Fact]
    public async Task Shares_round_trip_between_instances_and_the_token_limit_holds_across_them()
    {
        var db = await DatabaseAsync();
        var one = new SqlShareStore(db.Options());
        var two = new SqlShareStore(db.Options());
        var created = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        var share = new SftpShare
        {
            Id = "Ab0_-xyz",
            Name = Nasty,
            Description = Nasty,
            Scope = SftpShareScope.ReadWrite,
            Paths = ["/in box", "/" + Nasty],
            UserName = Nasty,
            CreatedAt = created,
            UpdatedAt = created,
            ExpiresAt = created.AddDays(7),
            PasswordHash = SftpPasswordHasher.Hash("pw"),
            MaxTokens = 4,
            AllowFrom = ["192.0.2.0/24"],
        };
        await one.CreateAsync(share, default);
        await one.CreateAsync(new SftpShare { Id = "second", Name = "b", UserName = "bob", Paths = ["/"], CreatedAt = created, UpdatedAt = created }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await two.CreateAsync(new SftpShare { Id = "Ab0_-xyz", Name = "x", UserName = "x" }, default));
        var read = (await two.FindAsync("Ab0_-xyz", default))!;
        Assert.Equal((Nasty, Nasty, SftpShareScope.ReadWrite, Nasty, created, created.AddDays(7), share.PasswordHash, 4, 0, (DateTimeOffset?)null),
            (read.Name, read.Description, read.Scope, read.UserName, read.CreatedAt, read.ExpiresAt, read.PasswordHash, read.MaxTokens, read.UsedTokens, read.LastUseAt));
        Assert.Equal(share.Paths, read.Paths);
        Assert.Equal(share.AllowFrom, read.AllowFrom);
        Assert.Null(await two.FindAsync("ab0_-xyz", default)); // ids are case-sensitive on every engine
        Assert.Equal(["Ab0_-xyz"], await ToListAsync(two.ListAsync(Nasty, default), s => s.Id));
        Assert.Equal(["Ab0_-xyz", "second"], (await ToListAsync(two.ListAsync(null, default), s => s.Id)).Order(StringComparer.Ordinal));

        // Ten uses through two instances at once: exactly the four tokens are spent.
        var now = created.AddHours(1);
        var uses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? one : two).TryUseAsync("Ab0_-xyz", now, default).AsTask()));
        Assert.Equal(4, uses.Count(u => u));
        read = (await one.FindAsync("Ab0_-xyz", default))!;
        Assert.Equal((4, (DateTimeOffset?)now), (read.UsedTokens, read.LastUseAt));

        read.MaxTokens = 0;
        read.Scope = SftpShareScope.Write;
        read.UsedTokens = 0; // not written by an update
        Assert.True(await two.UpdateAsync(read, default));
        var updated = (await one.FindAsync("Ab0_-xyz", default))!;
        Assert.Equal((0, SftpShareScope.Write, 4, created), (updated.MaxTokens, updated.Scope, updated.UsedTokens, updated.CreatedAt));
        Assert.True(await one.TryUseAsync("Ab0_-xyz", now, default)); // no limit now
        Assert.False(await one.UpdateAsync(new SftpShare { Id = "ghost", Name = "g", UserName = "g" }, default));
        Assert.True(await one.DeleteAsync("Ab0_-xyz", default));
        Assert.False(await two.DeleteAsync("Ab0_-xyz", default));
        Assert.False(await two.TryUseAsync("Ab0_-xyz", now, default));
        Assert.Null(await two.FindAsync("Ab0_-xyz", default));
    }

    private static async Task<List<string>> ToListAsync<T>(IAsyncEnumerable<T> items, Func<T, string> select)
    {
        var list = new List<string>();
        await foreach (var item in items)
        {
            list.Add(select(item));
        }
        return list;
    }
}

public sealed class SqliteAdminStoreTests : SqlAdminStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlAdminStoreTests : SqlAdminStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlAdminStoreTests : SqlAdminStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
