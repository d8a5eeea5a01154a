using System.Net;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// <c>/api/v2/sftpgo/users</c>: SFTPGo's snake_case user bodies through the same rules as <c>/users</c> (validation,
/// role scoping), and answers without hashes or secrets.
/// </summary>
public sealed class SftpGoUserApiTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await AdminTestServer.StartAsync();
        var roles = (ISftpRoleStore)_server.Services.GetService(typeof(ISftpRoleStore))!;
        await roles.CreateAsync(new SftpRole { Name = "finance" }, default);
        var admins = (ISftpAdminStore)_server.Services.GetService(typeof(ISftpAdminStore))!;
        await admins.CreateAsync(new SftpAdmin
        {
            UserName = "fin-lead", PasswordHash = SftpPasswordHasher.Hash(AdminTestServer.AdminPassword), Role = "finance",
            Permissions = [SftpAdminPermissions.ManageUsers],
        }, default);
        await _server.Users.CreateAsync(new SftpAccount { UserName = "other", HomeDirectory = Path.Combine(_server.Directory, "homes", "other") }, default);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private const string Passphrase = "a passphrase long enough for crypt 1";

    private JsonObject Body(string name) => new()
    {
        ["status"] = 1,
        ["username"] = name,
        ["password"] = "a password for " + name,
        ["home_dir"] = Path.Combine(_server.Directory, "homes", name),
        ["permissions"] = new JsonObject { ["/"] = new JsonArray("list", "download") },
        ["filesystem"] = new JsonObject
        {
            ["provider"] = 4,
            ["cryptconfig"] = new JsonObject { ["passphrase"] = new JsonObject { ["status"] = "Plain", ["payload"] = Passphrase } },
        },
    };

    [Fact]
    public async Task A_role_bound_admin_creates_accounts_of_its_role_and_sees_no_others()
    {
        using var fin = _server.Client(await _server.TokenAsync("fin-lead"));
        var created = await fin.PostJsonAsync("/api/v2/sftpgo/users", Body("fin-1"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var answer = (await created.BodyAsync())!;
        Assert.Equal("finance", answer["role"]!.GetValue<string>());
        Assert.Null(answer["password"]);
        Assert.Equal("Redacted", answer["filesystem"]!["cryptconfig"]!["passphrase"]!["status"]!.GetValue<string>());
        var stored = (await _server.Users.FindAsync("fin-1", default))!;
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(stored.PasswordHash!, "a password for fin-1"));
        Assert.Equal(Passphrase, stored.FileSystem!.Settings["passphrase"]);

        // Sent back as answered, the redacted secret keeps the stored one.
        answer.AsObject()["quota_files"] = 5;
        Assert.Equal(HttpStatusCode.OK, (await fin.PutJsonAsync("/api/v2/sftpgo/users/fin-1", answer.DeepClone())).StatusCode);
        stored = (await _server.Users.FindAsync("fin-1", default))!;
        Assert.Equal((Passphrase, 5L), (stored.FileSystem!.Settings["passphrase"], stored.QuotaFiles));
        Assert.NotNull(stored.PasswordHash);

        var listed = (await (await fin.GetAsync("/api/v2/sftpgo/users")).BodyAsync())!.AsArray();
        Assert.Equal(["fin-1"], listed.Select(u => u!["username"]!.GetValue<string>()));
        await (await fin.GetAsync("/api/v2/sftpgo/users/other")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await fin.DeleteAsync("/api/v2/sftpgo/users/other")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.NotNull(await _server.Users.FindAsync("other", default));
    }

    [Fact]
    public async Task Bodies_are_validated_like_the_native_ones()
    {
        using var root = _server.Client(await _server.TokenAsync());
        var gcs = Body("gcs");
        gcs["filesystem"] = new JsonObject { ["provider"] = 2 };
        await (await root.PostJsonAsync("/api/v2/sftpgo/users", gcs)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var badPermission = Body("bad");
        badPermission["permissions"] = new JsonObject { ["/"] = new JsonArray("teleport") };
        await (await root.PostJsonAsync("/api/v2/sftpgo/users", badPermission)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Created, (await root.PostJsonAsync("/api/v2/sftpgo/users", Body("dup"))).StatusCode);
        await (await root.PostJsonAsync("/api/v2/sftpgo/users", Body("dup"))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Null(await _server.Users.FindAsync("gcs", default));
        Assert.Null(await _server.Users.FindAsync("bad", default));
    }
}
