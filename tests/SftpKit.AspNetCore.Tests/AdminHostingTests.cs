using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>Status, version, health check, OpenAPI document, and hosting without the built-in authentication.</summary>
public sealed class AdminHostingTests
{
    [Fact]
    public async Task Status_version_health_and_openapi_describe_the_running_server()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync("viewer"));
        using (var status = await api.GetAsync("/api/v2/status"))
        {
            var body = (await status.BodyAsync())!;
            Assert.True(body["running"]!.GetValue<bool>());
            Assert.Contains(":" + server.SftpPort, body["endPoints"]![0]!.GetValue<string>());
        }
        using (var version = await api.GetAsync("/api/v2/version"))
        {
            Assert.Matches(@"^\d+\.\d+\.\d+$", (await version.BodyAsync())!["version"]!.GetValue<string>());
        }
        using var anonymous = server.Client();
        using (var health = await anonymous.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        }
        using (var openApi = await anonymous.GetAsync("/openapi/v1.json"))
        {
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
            var paths = (await openApi.BodyAsync())!["paths"]!.AsObject();
            foreach (string path in new[] { "/api/v2/users", "/api/v2/users/{userName}", "/api/v2/connections/{connectionId}", "/api/v2/quotas/users/{userName}/scan", "/api/v2/defender/hosts/{address}", "/api/v2/dumpdata", "/api/v2/loaddata", "/api/v2/token", "/api/v2/apikeys", "/api/v2/status",
                "/api/v2/eventactions", "/api/v2/eventactions/{name}", "/api/v2/eventrules", "/api/v2/eventrules/{name}", "/api/v2/eventrules/run/{name}", "/api/v2/events/rules" })
            {
                Assert.True(paths.ContainsKey(path) || paths.ContainsKey(path + "/"), path);
            }
        }
    }

    [Fact]
    public async Task Health_check_fails_when_the_store_does_not_answer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-admin-keys-" + Guid.NewGuid().ToString("N")[..8]);
        builder.Services.AddSftpServer(o => { o.Listen(IPAddress.Loopback, 0); o.HostKeyDirectory = keys; }).AddUserStore<BrokenStore>();
        builder.Services.AddHealthChecks().AddSftpServerCheck();
        await using var app = builder.Build();
        app.MapHealthChecks("/healthz");
        var checks = app.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();
        // Before start: not listening.
        var notListening = await checks.CheckHealthAsync();
        Assert.Equal("The SFTP server is not listening.", notListening.Entries["sftpkit"].Description);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var health = await client.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
            var report = await checks.CheckHealthAsync();
            Assert.Equal("The account store did not answer.", report.Entries["sftpkit"].Description);
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task Without_built_in_authentication_the_host_protects_the_group()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-admin-keys-" + Guid.NewGuid().ToString("N")[..8]);
        builder.Services.AddSftpServer(o => { o.Listen(IPAddress.Loopback, 0); o.HostKeyDirectory = keys; }).AddInMemoryUserStore();
        builder.Services.AddSftpAdmin();
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireAssertion(c => c.Resource is Microsoft.AspNetCore.Http.HttpContext h && h.Request.Headers["X-Ops"] == "yes")));
        await using var app = builder.Build();
        app.MapSftpAdmin("/admin").RequireAuthorization("ops");
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using (var refused = await client.GetAsync("/admin/users"))
            {
                Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            }
            // No built-in auth: no token endpoint.
            using (var token = await client.PostAsync("/admin/token", null))
            {
                Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
            }
            client.DefaultRequestHeaders.Add("X-Ops", "yes");
            using var allowed = await client.GetAsync("/admin/users");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Empty((await allowed.BodyAsync())!.AsArray());
        }
        finally
        {
            await app.StopAsync();
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task Json_file_admin_store_persists_hashes_only_with_owner_only_mode()
    {
        string file = Path.Combine(Path.GetTempPath(), "sftpkit-admins-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        try
        {
            using (var store = new JsonFileSftpAdminStore(file))
            {
                await store.CreateAsync(new SftpAdmin { UserName = "root", PasswordHash = Accounts.SftpPasswordHasher.Hash("pw"), Permissions = ["*"] }, CancellationToken.None);
                await store.CreateApiKeyAsync(new SftpApiKey { Id = "abc", Name = "k", SecretHash = new string('0', 64), Admin = "root" }, CancellationToken.None);
            }
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
            using (var reopened = new JsonFileSftpAdminStore(file))
            {
                Assert.Equal(["*"], (await reopened.FindAsync("root", CancellationToken.None))!.Permissions);
                Assert.Equal("root", (await reopened.FindApiKeyAsync("abc", CancellationToken.None))!.Admin);
                // Deleting an admin deletes its keys.
                Assert.True(await reopened.DeleteAsync("root", CancellationToken.None));
            }
            using (var again = new JsonFileSftpAdminStore(file))
            {
                Assert.Null(await again.FindApiKeyAsync("abc", CancellationToken.None));
            }
            await File.WriteAllTextAsync(file, "{ not json");
            Assert.Throws<InvalidDataException>(() => new JsonFileSftpAdminStore(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class BrokenStore : Accounts.ISftpUserStore, Accounts.ISftpQuotaStore
    {
        public ValueTask<Accounts.SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken) => throw new IOException("database down");
        public IAsyncEnumerable<Accounts.SftpAccount> ListAsync(CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask CreateAsync(Accounts.SftpAccount account, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask<bool> UpdateAsync(Accounts.SftpAccount account, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask<Accounts.SftpQuotaUsage> GetAsync(Accounts.SftpQuotaOwner owner, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask AddAsync(Accounts.SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken) => throw new IOException("database down");
        public ValueTask SetAsync(Accounts.SftpQuotaOwner owner, Accounts.SftpQuotaUsage usage, CancellationToken cancellationToken) => throw new IOException("database down");
    }
}
