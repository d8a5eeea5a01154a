using System.Net;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Address lists in the SQL provider: the stores save them normalised, and the defender reads its lists as the
/// in-memory one does (one parser). SQLite only: the rule is in the provider's C#, not in any engine's SQL.
/// </summary>
public sealed class SqlNetworkListTests : IAsyncLifetime
{
    private SqlTestDatabase _db = null!;

    public async ValueTask InitializeAsync()
    {
        _db = await SqlTestDatabase.CreateAsync(SqlProvider.Sqlite);
        await SqlMigrator.MigrateAsync(_db.Options());
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task The_user_store_saves_account_networks_normalised()
    {
        var store = new SqlUserStore(_db.Options());
        var account = new SftpAccount { UserName = "alice", AllowedIPs = ["10.1.2.3/8", "2001:DB8::1/128"], DeniedIPs = ["::ffff:10.9.9.9", "kept as given"] };
        await store.CreateAsync(account, CancellationToken.None);
        Assert.Equal("[\"10.0.0.0/8\",\"2001:db8::1\"]", await _db.ScalarAsync("SELECT allowed_ips FROM accounts"));
        var read = await store.FindAsync("alice", CancellationToken.None);
        Assert.Equal(["10.9.9.9", "kept as given"], read!.DeniedIPs);

        read.AllowedIPs = ["192.0.2.77/24"];
        Assert.True(await store.UpdateAsync(read, CancellationToken.None));
        Assert.Equal(["192.0.2.0/24"], (await store.FindAsync("alice", CancellationToken.None))!.AllowedIPs);
    }

    [Fact]
    public async Task The_admin_store_saves_allowed_networks_normalised()
    {
        var store = new SqlAdminStore(_db.Options());
        await store.CreateAsync(new SftpAdmin { UserName = "ops", AllowedNetworks = ["10.1.2.3/8", "2001:db8::5/32"] }, CancellationToken.None);
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], (await store.FindAsync("ops", CancellationToken.None))!.AllowedNetworks);
    }

    [Fact]
    public async Task The_defender_reads_host_bits_as_the_in_memory_one_does_and_refuses_unreadable_lists()
    {
        var settings = new SftpDefenderOptions();
        settings.BlockList.Add("198.51.100.9/24"); // 198.51.100.0/24; skipped as unreadable before
        var defender = new SqlDefender(_db.Options(), settings);
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Parse("198.51.100.200")));
        Assert.False(await defender.AdmitConnectionAsync(IPAddress.Parse("::ffff:198.51.100.200")));
        Assert.True(await defender.AdmitConnectionAsync(IPAddress.Parse("198.51.101.1")));

        var broken = new SftpDefenderOptions();
        broken.SafeList.Add("192.0.2.0/33");
        var error = Assert.Throws<FormatException>(() => new SqlDefender(_db.Options(), broken));
        Assert.Contains("'192.0.2.0/33'", error.Message, StringComparison.Ordinal);
    }
}
