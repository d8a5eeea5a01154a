using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Address lists through the admin API: saved in normalised form, and an unreadable stored list admits nobody.</summary>
public sealed class AdminNetworkListTests
{
    [Fact]
    public async Task Account_networks_are_saved_and_returned_normalised()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        var body = server.NewAccount("dana");
        body["allowedIPs"] = new JsonArray("10.1.2.3/8", " 2001:DB8::1/128 ", "::ffff:127.0.0.1");
        body["deniedIPs"] = new JsonArray("192.0.2.77/24");
        using (var created = await api.PostJsonAsync("/api/v2/users", body))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var stored = Assert.Single(server.Users.Snapshot());
        Assert.Equal(["10.0.0.0/8", "2001:db8::1", "127.0.0.1"], stored.AllowedIPs);
        Assert.Equal(["192.0.2.0/24"], stored.DeniedIPs);
        using var read = await api.GetAsync("/api/v2/users/dana");
        var account = (await read.BodyAsync())!;
        Assert.Equal(["10.0.0.0/8", "2001:db8::1", "127.0.0.1"], account["allowedIPs"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Admin_networks_are_saved_normalised()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync());
        var body = new JsonObject
        {
            ["userName"] = "lan",
            ["password"] = "lan admin password",
            ["allowedNetworks"] = new JsonArray("127.1.2.3/8", "2001:db8::7/32"),
        };
        using (var created = await root.PostJsonAsync("/api/v2/admins", body))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var stored = await server.Services.GetRequiredService<ISftpAdminStore>().FindAsync("lan", CancellationToken.None);
        Assert.Equal(["127.0.0.0/8", "2001:db8::/32"], stored!.AllowedNetworks);
        using var token = await server.RequestTokenAsync("lan", "lan admin password");
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task An_admin_whose_stored_networks_are_unreadable_is_refused_from_everywhere()
    {
        await using var server = await AdminTestServer.StartAsync();
        var admins = server.Services.GetRequiredService<ISftpAdminStore>();
        await admins.CreateAsync(new SftpAdmin
        {
            UserName = "edited",
            PasswordHash = SftpPasswordHasher.Hash("edited password"),
            Permissions = ["*"],
            AllowedNetworks = ["127.0.0.0/8", "127.0.0.0/33"], // as a hand-edited store might hold it
        }, CancellationToken.None);
        using var response = await server.RequestTokenAsync("edited", "edited password");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
