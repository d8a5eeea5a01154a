using SftpKit.Accounts;
using SftpKit.Tests.Accounts;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// The group store contract on every engine: each open is a new <see cref="SqlGroupStore"/> on the same database
/// (a second instance sees the first one's changes), and secret settings are stored protected.
/// </summary>
public abstract class SqlGroupStoreContractTests : GroupStoreContractTests, IAsyncLifetime
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

    protected override async Task<ISftpGroupStore> OpenAsync()
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        return new SqlGroupStore(_database.Options());
    }

    [Fact]
    public async Task Secret_settings_are_stored_protected_and_memberships_ride_on_the_account()
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        using var protector = new AesGcmSecretProtector(new byte[32]);
        var store = new SqlGroupStore(_database.Options(), secretProtector: protector);
        await store.CreateAsync(Sample(), default);
        string stored = Convert.ToString(await _database.ScalarAsync("SELECT settings FROM user_groups"), System.Globalization.CultureInfo.InvariantCulture)!;
        Assert.DoesNotContain("s3cr3t", stored, StringComparison.Ordinal);
        Assert.Equal("s3cr3t", (await store.FindAsync("staff", default))!.FileSystem!.Settings["secretAccessKey"]);

        var users = new SqlUserStore(_database.Options());
        await users.CreateAsync(new SftpAccount
        {
            UserName = "alice",
            Groups = [new SftpGroupMembership { Name = "staff" }, new SftpGroupMembership { Name = Nasty, Type = SftpGroupType.Membership }],
        }, default);
        var read = (await new SqlUserStore(_database.Options()).FindAsync("alice", default))!;
        Assert.Equal([("staff", SftpGroupType.Primary), (Nasty, SftpGroupType.Membership)], read.Groups.Select(g => (g.Name, g.Type)));
        read.Groups.Clear();
        Assert.True(await users.UpdateAsync(read, default));
        Assert.Empty((await users.FindAsync("alice", default))!.Groups);
    }
}

public sealed class SqliteGroupStoreTests : SqlGroupStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlGroupStoreTests : SqlGroupStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlGroupStoreTests : SqlGroupStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
