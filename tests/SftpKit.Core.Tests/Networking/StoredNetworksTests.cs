using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Networking.Tests;

/// <summary>The built-in account and admin stores save address lists in SftpNetwork's normalised form.</summary>
public sealed class StoredNetworksTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-networks-" + Guid.NewGuid().ToString("N")[..12]);

    public StoredNetworksTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task The_json_user_store_saves_account_networks_normalised()
    {
        string path = Path.Combine(_directory, "users.json");
        using (var store = new JsonFileUserStore(path))
        {
            var account = new SftpAccount { UserName = "alice", AllowedIPs = ["10.1.2.3/8", "2001:DB8::1/128"], DeniedIPs = ["::ffff:10.9.9.9"] };
            await store.CreateAsync(account, CancellationToken.None);
            Assert.Equal(["10.1.2.3/8", "2001:DB8::1/128"], account.AllowedIPs); // the caller's object is left alone

            var read = await store.FindAsync("alice", CancellationToken.None);
            Assert.Equal(["10.0.0.0/8", "2001:db8::1"], read!.AllowedIPs);
            Assert.Equal(["10.9.9.9"], read.DeniedIPs);

            read.DeniedIPs = ["192.0.2.77/24", "not a network"];
            Assert.True(await store.UpdateAsync(read, CancellationToken.None));
        }
        var users = JsonNode.Parse(await File.ReadAllTextAsync(path))!["users"]!.AsArray();
        var saved = users.Single()!;
        Assert.Equal(["10.0.0.0/8", "2001:db8::1"], saved["allowedIPs"]!.AsArray().Select(n => (string)n!));
        // An unreadable entry is kept as given: validation, not the store, reports it.
        Assert.Equal(["192.0.2.0/24", "not a network"], saved["deniedIPs"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task The_json_admin_store_saves_allowed_networks_normalised()
    {
        string path = Path.Combine(_directory, "admins.json");
        using (var store = new JsonFileSftpAdminStore(path))
        {
            await store.CreateAsync(new SftpAdmin { UserName = "ops", AllowedNetworks = ["192.0.2.9/24"] }, CancellationToken.None);
            Assert.Equal(["192.0.2.0/24"], (await store.FindAsync("ops", CancellationToken.None))!.AllowedNetworks);
            Assert.True(await store.UpdateAsync(new SftpAdmin { UserName = "ops", AllowedNetworks = ["2001:db8:1::5/48", "127.0.0.1/32"] }, CancellationToken.None));
        }
        using var reopened = new JsonFileSftpAdminStore(path);
        Assert.Equal(["2001:db8:1::/48", "127.0.0.1"], (await reopened.FindAsync("ops", CancellationToken.None))!.AllowedNetworks);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
