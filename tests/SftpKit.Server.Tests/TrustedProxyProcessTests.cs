using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace SftpKit.Server.Tests;

/// <summary>SftpKit:Http:TrustedProxies: X-Forwarded-For decides the admin's address only when it comes from a trusted proxy.</summary>
public sealed class TrustedProxyProcessTests
{
    private const string AdminPassword = "first admin password 42";
    private const string NetAdminPassword = "net admin password 42";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_admin_limited_to_a_network_logs_in_through_a_trusted_proxy_only(bool trustLoopback)
    {
        string dir = await SampleServerProcess.NewConfigDirectoryAsync();
        var env = new Dictionary<string, string> { ["SFTPKIT_ADMIN_PASSWORD"] = AdminPassword };
        if (trustLoopback)
        {
            env["SFTPKIT__HTTP__TRUSTEDPROXIES__0"] = "127.0.0.0/8";
        }
        await using var server = await SampleServerProcess.StartAsync(dir, ["serve", "--config-dir", dir, "--port", "0", "--address", "127.0.0.1"], env);
        using (var api = server.AdminClient(await server.TokenAsync("admin", AdminPassword)))
        {
            var admin = new JsonObject
            {
                ["userName"] = "netadmin",
                ["password"] = NetAdminPassword,
                ["permissions"] = new JsonArray("view_connections"),
                ["allowedNetworks"] = new JsonArray("192.0.2.0/24"),
            };
            using var created = await api.PostAsync("/api/v2/admins", new StringContent(admin.ToJsonString(), Encoding.UTF8, "application/json"));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        Assert.Equal(trustLoopback ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, await TokenStatusAsync(server, "192.0.2.10"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(server, "198.51.100.7"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TokenStatusAsync(server, null));
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(SampleServerProcess server, string? forwardedFor)
    {
        using var client = server.AdminClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("netadmin:" + NetAdminPassword)));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
