using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Providers.Sql;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// The admin API with everything in one SQLite database (accounts, folders, admins, API keys): what one host
/// creates, a second host on the same file serves, whichever order AddSqlAdminStore and AddSftpAdminAuthentication
/// were called in.
/// </summary>
public sealed class AdminSqlStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-adminsql-" + Guid.NewGuid().ToString("N")[..12]);

    public AdminSqlStoreTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<WebApplication> StartAsync(bool sqlAdminStoreFirst)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = Path.Combine(_directory, "keys");
            })
            .AddSqlUserStore(o => { o.Provider = SqlProvider.Sqlite; o.ConnectionString = "Data Source=" + Path.Combine(_directory, "sftpkit.db"); })
            .AddSftp();
        if (sqlAdminStoreFirst)
        {
            server.AddSqlAdminStore();
            builder.Services.AddSftpAdminAuthentication();
        }
        else
        {
            builder.Services.AddSftpAdminAuthentication(o => o.StoreFile = Path.Combine(_directory, "admins.json"));
            builder.Services.AddSqlAdminStore();
        }
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSftpAdmin("/api/v2");
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app) => new() { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Admins_keys_folders_and_groups_live_in_the_database_and_survive_a_restart()
    {
        string key;
        await using (var first = await StartAsync(sqlAdminStoreFirst: false))
        {
            var admins = first.Services.GetRequiredService<ISftpAdminStore>();
            Assert.IsType<SqlAdminStore>(admins);
            Assert.IsType<SqlFolderStore>(first.Services.GetRequiredService<ISftpFolderStore>());
            Assert.IsType<SqlGroupStore>(first.Services.GetRequiredService<ISftpGroupStore>());
            await admins.CreateAsync(new SftpAdmin { UserName = "root", PasswordHash = SftpPasswordHasher.Hash("pw-root"), Permissions = ["*"], AllowApiKeyAuth = true }, CancellationToken.None);

            using var anonymous = Client(first);
            using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
            tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("root:pw-root")));
            using var tokenResponse = await anonymous.SendAsync(tokenRequest);
            Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
            using var api = Client(first);
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await tokenResponse.BodyAsync())!["access_token"]!.GetValue<string>());

            using (var created = await api.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "automation", ["admin"] = "root" }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                key = (await created.BodyAsync())!["key"]!.GetValue<string>();
            }
            var folder = new JsonObject { ["name"] = "archive", ["fileSystem"] = new JsonObject { ["root"] = Path.Combine(_directory, "archive") } };
            using (var created = await api.PostJsonAsync("/api/v2/folders", folder))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            using (var created = await api.PostJsonAsync("/api/v2/groups", new JsonObject { ["name"] = "staff", ["quotaFiles"] = 3 }))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            await first.StopAsync();
        }
        Assert.False(File.Exists(Path.Combine(_directory, "admins.json"))); // the JSON store was never used

        await using var second = await StartAsync(sqlAdminStoreFirst: true);
        Assert.IsType<SqlAdminStore>(second.Services.GetRequiredService<ISftpAdminStore>());
        using var withKey = Client(second);
        withKey.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", key);
        using var folders = await withKey.GetAsync("/api/v2/folders");
        Assert.Equal(HttpStatusCode.OK, folders.StatusCode);
        Assert.Equal(["archive"], (await folders.BodyAsync())!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        using var groups = await withKey.GetAsync("/api/v2/groups/staff");
        Assert.Equal(3, (await groups.BodyAsync())!["quotaFiles"]!.GetValue<long>());
        using var wrongKey = Client(second);
        wrongKey.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", key[..^2] + "xx");
        using var refused = await wrongKey.GetAsync("/api/v2/folders");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await second.StopAsync();
    }
}
