using System.Net;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// Roles through the admin API: <c>/roles</c> CRUD for unbound admins, and an admin bound to a role that sees and
/// manages only accounts (and admins, keys, shares, connections, scans) of its role and cannot escalate.
/// </summary>
public sealed class AdminRoleTests : IAsyncLifetime
{
    private AdminTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await AdminTestServer.StartAsync();
        var roles = (ISftpRoleStore)_server.Services.GetService(typeof(ISftpRoleStore))!;
        await roles.CreateAsync(new SftpRole { Name = "finance" }, default);
        await roles.CreateAsync(new SftpRole { Name = "sales" }, default);
        var admins = (ISftpAdminStore)_server.Services.GetService(typeof(ISftpAdminStore))!;
        string hash = SftpPasswordHasher.Hash(AdminTestServer.AdminPassword);
        await admins.CreateAsync(new SftpAdmin
        {
            UserName = "fin-lead", PasswordHash = hash, Role = "finance",
            Permissions = [SftpAdminPermissions.ManageUsers, SftpAdminPermissions.ManageAdmins, SftpAdminPermissions.QuotaScans, SftpAdminPermissions.ViewConnections],
        }, default);
        await admins.CreateAsync(new SftpAdmin { UserName = "sales-lead", PasswordHash = hash, Role = "sales", Permissions = [SftpAdminPermissions.ManageUsers] }, default);
        await _server.Users.CreateAsync(new SftpAccount { UserName = "fin-1", Role = "finance", HomeDirectory = Path.Combine(_server.Directory, "homes", "fin-1") }, default);
        await _server.Users.CreateAsync(new SftpAccount { UserName = "sales-1", Role = "sales", HomeDirectory = Path.Combine(_server.Directory, "homes", "sales-1") }, default);
        await _server.Users.CreateAsync(new SftpAccount { UserName = "plain-1", HomeDirectory = Path.Combine(_server.Directory, "homes", "plain-1") }, default);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpClient> AsAsync(string admin) => _server.Client(await _server.TokenAsync(admin));

    private static async Task<List<string>> NamesAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.BodyAsync())!.AsArray().Select(n => n![field]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task A_role_bound_admin_sees_only_accounts_of_its_role_and_others_are_404()
    {
        using var fin = await AsAsync("fin-lead");
        Assert.Equal(["fin-1"], await NamesAsync(await fin.GetAsync("/api/v2/users"), "userName"));
        Assert.Equal(HttpStatusCode.OK, (await fin.GetAsync("/api/v2/users/fin-1")).StatusCode);
        foreach (string other in (string[])["sales-1", "plain-1"])
        {
            await (await fin.GetAsync("/api/v2/users/" + other)).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.PutJsonAsync("/api/v2/users/" + other, _server.NewAccount(other))).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.DeleteAsync("/api/v2/users/" + other)).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.GetAsync("/api/v2/quotas/users/" + other)).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.PostAsync("/api/v2/quotas/users/" + other + "/scan", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.NotNull(await _server.Users.FindAsync("sales-1", default));
        Assert.NotNull(await _server.Users.FindAsync("plain-1", default));

        // An unbound admin still sees everything.
        using var root = await AsAsync("root");
        Assert.Equal(["fin-1", "plain-1", "sales-1"], await NamesAsync(await root.GetAsync("/api/v2/users"), "userName"));
    }

    [Fact]
    public async Task Tokens_and_second_factors_of_accounts_outside_the_role_are_404()
    {
        using var fin = await AsAsync("fin-lead");
        Assert.Equal(HttpStatusCode.OK, (await fin.GetAsync("/api/v2/users/fin-1/tokens")).StatusCode);
        foreach (string other in (string[])["sales-1", "plain-1"])
        {
            await (await fin.GetAsync($"/api/v2/users/{other}/tokens")).AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.PostJsonAsync($"/api/v2/users/{other}/tokens", new JsonObject { ["name"] = "x", ["scopes"] = new JsonArray("ssh") }))
                .AssertProblemAsync(HttpStatusCode.NotFound);
            await (await fin.PutAsync($"/api/v2/users/{other}/2fa/disable", null)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        // An unbound admin reaches them all.
        using var root = await AsAsync("root");
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync("/api/v2/users/sales-1/tokens")).StatusCode);
    }

    [Fact]
    public async Task Accounts_a_role_bound_admin_creates_get_its_role_and_cannot_leave_it()
    {
        using var fin = await AsAsync("fin-lead");
        var created = await fin.PostJsonAsync("/api/v2/users", _server.NewAccount("fin-2"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("finance", (await created.BodyAsync())!["role"]!.GetValue<string>());
        Assert.Equal("finance", (await _server.Users.FindAsync("fin-2", default))!.Role);

        var elsewhere = _server.NewAccount("fin-3");
        elsewhere["role"] = "sales";
        await (await fin.PostJsonAsync("/api/v2/users", elsewhere)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Null(await _server.Users.FindAsync("fin-3", default));

        var move = _server.NewAccount("fin-1");
        move["role"] = "sales";
        await (await fin.PutJsonAsync("/api/v2/users/fin-1", move)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("finance", (await _server.Users.FindAsync("fin-1", default))!.Role);
        // Leaving the role out keeps the account in it.
        Assert.Equal(HttpStatusCode.OK, (await fin.PutJsonAsync("/api/v2/users/fin-1", _server.NewAccount("fin-1"))).StatusCode);
        Assert.Equal("finance", (await _server.Users.FindAsync("fin-1", default))!.Role);

        // An unbound admin may give any existing role, not an unknown one.
        using var root = await AsAsync("root");
        var unknown = _server.NewAccount("x-1");
        unknown["role"] = "nope";
        Assert.Contains("role", await (await root.PostJsonAsync("/api/v2/users", unknown)).AssertValidationProblemAsync());
        var sales = _server.NewAccount("sales-2");
        sales["role"] = "sales";
        Assert.Equal(HttpStatusCode.Created, (await root.PostJsonAsync("/api/v2/users", sales)).StatusCode);
    }

    [Fact]
    public async Task A_role_bound_admin_cannot_escalate_through_admins_or_api_keys()
    {
        using var fin = await AsAsync("fin-lead");
        Assert.Equal(["fin-lead"], await NamesAsync(await fin.GetAsync("/api/v2/admins"), "userName"));
        await (await fin.GetAsync("/api/v2/admins/root")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await fin.GetAsync("/api/v2/admins/sales-lead")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await fin.DeleteAsync("/api/v2/admins/sales-lead")).AssertProblemAsync(HttpStatusCode.NotFound);

        // Unbound, another role's, or with permissions it lacks: refused.
        JsonObject Admin(string name, string? role, params string[] permissions)
        {
            var body = new JsonObject { ["userName"] = name, ["password"] = "pw for a new admin", ["permissions"] = new JsonArray(permissions.Select(p => (JsonNode?)p).ToArray()) };
            if (role is not null)
            {
                body["role"] = role;
            }
            return body;
        }
        await (await fin.PostJsonAsync("/api/v2/admins", Admin("x1", "sales", SftpAdminPermissions.ManageUsers))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await fin.PostJsonAsync("/api/v2/admins", Admin("x2", null, SftpAdminPermissions.ManageSystem))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await fin.PostJsonAsync("/api/v2/admins", Admin("x3", null, "*"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await fin.PutJsonAsync("/api/v2/admins/fin-lead", Admin("fin-lead", null, "*"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await fin.PutJsonAsync("/api/v2/admins/root", Admin("root", null, SftpAdminPermissions.ManageUsers))).AssertProblemAsync(HttpStatusCode.NotFound);
        var admins = (ISftpAdminStore)_server.Services.GetService(typeof(ISftpAdminStore))!;
        Assert.Null(await admins.FindAsync("x1", default));
        Assert.Equal(["*"], (await admins.FindAsync("root", default))!.Permissions);

        // Within its role and its own permissions it may create an admin, which gets its role.
        var ok = await fin.PostJsonAsync("/api/v2/admins", Admin("fin-helper", null, SftpAdminPermissions.ManageUsers));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal("finance", (await admins.FindAsync("fin-helper", default))!.Role);

        // Roles themselves and dump/restore are for unbound admins only.
        await (await fin.GetAsync("/api/v2/roles")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await fin.GetAsync("/api/v2/dumpdata")).AssertProblemAsync(HttpStatusCode.Forbidden);
        // Unbound API keys could act as any admin: a bound admin cannot create one.
        using var keys = await AsAsync("fin-lead");
        Assert.Contains("admin", await (await keys.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "k" })).AssertValidationProblemAsync());
        Assert.Contains("admin", await (await keys.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "k", ["admin"] = "root" })).AssertValidationProblemAsync());
        Assert.Equal(HttpStatusCode.Created, (await keys.PostJsonAsync("/api/v2/apikeys", new JsonObject { ["name"] = "k", ["admin"] = "fin-helper" })).StatusCode);
    }

    [Fact]
    public async Task Roles_are_managed_by_unbound_admins_and_cannot_be_deleted_while_in_use()
    {
        using var root = await AsAsync("root");
        var created = await root.PostJsonAsync("/api/v2/roles", new JsonObject { ["name"] = "support", ["description"] = "Help desk" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await (await root.PostJsonAsync("/api/v2/roles", new JsonObject { ["name"] = "support" })).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("name", await (await root.PostJsonAsync("/api/v2/roles", new JsonObject { ["name"] = "a/b" })).AssertValidationProblemAsync());
        Assert.Equal(["finance", "sales", "support"], await NamesAsync(await root.GetAsync("/api/v2/roles"), "name"));
        var updated = await root.PutJsonAsync("/api/v2/roles/support", new JsonObject { ["description"] = "Tier 1" });
        Assert.Equal("Tier 1", (await updated.BodyAsync())!["description"]!.GetValue<string>());
        await (await root.DeleteAsync("/api/v2/roles/finance")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NoContent, (await root.DeleteAsync("/api/v2/roles/support")).StatusCode);
        await (await root.GetAsync("/api/v2/roles/support")).AssertProblemAsync(HttpStatusCode.NotFound);

        // An admin with manage_users only cannot reach /roles.
        using var ops = await AsAsync("ops");
        Assert.Equal(HttpStatusCode.Forbidden, (await ops.GetAsync("/api/v2/roles")).StatusCode);
    }

    [Fact]
    public async Task Backups_carry_roles_and_the_role_fields()
    {
        using var root = await AsAsync("root");
        var dump = await root.GetAsync("/api/v2/dumpdata");
        Assert.Equal(HttpStatusCode.OK, dump.StatusCode);
        var document = (await dump.BodyAsync())!;
        Assert.Contains("finance", document["roles"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        Assert.Equal("finance", document["users"]!.AsArray().Single(u => u!["userName"]!.GetValue<string>() == "fin-1")!["role"]!.GetValue<string>());
        Assert.Equal("sales", document["admins"]!.AsArray().Single(a => a!["userName"]!.GetValue<string>() == "sales-lead")!["role"]!.GetValue<string>());

        // Restored into a fresh server, roles come back before the accounts naming them.
        await using var other = await AdminTestServer.StartAsync();
        using var otherRoot = other.Client(await other.TokenAsync("root"));
        var restore = await otherRoot.PostJsonAsync("/api/v2/loaddata", document);
        Assert.True(restore.StatusCode == HttpStatusCode.OK, await restore.Content.ReadAsStringAsync());
        var roles = (ISftpRoleStore)other.Services.GetService(typeof(ISftpRoleStore))!;
        Assert.NotNull(await roles.FindAsync("sales", default));
        Assert.Equal("finance", (await other.Users.FindAsync("fin-1", default))!.Role);
    }

    [Fact]
    public async Task Account_limits_round_trip_through_the_api_and_a_weak_password_is_refused()
    {
        using var root = await AsAsync("root");
        var body = _server.NewAccount("limited");
        body["accessTime"] = new JsonArray(new JsonObject { ["dayOfWeek"] = 1, ["from"] = "08:00", ["to"] = "18:00" });
        body["accessTimeZone"] = "Europe/Rome";
        body["uploadDataTransfer"] = 10;
        body["totalDataTransfer"] = 20;
        body["dataTransferPeriod"] = "Month";
        body["passwordExpirationDays"] = 90;
        body["passwordStrength"] = 40;
        body["deniedProtocols"] = new JsonArray("HTTP");
        var created = await root.PostJsonAsync("/api/v2/users", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var stored = (await _server.Users.FindAsync("limited", default))!;
        Assert.Equal(("Europe/Rome", 10L, 20L, SftpDataTransferPeriod.Month, 90, 40), (stored.AccessTimeZone, stored.UploadDataTransfer, stored.TotalDataTransfer, stored.DataTransferPeriod, stored.PasswordExpirationDays, stored.PasswordStrength));
        Assert.Equal(["HTTP"], stored.DeniedProtocols);
        Assert.Equal("18:00", stored.AccessTime.Single().To);
        Assert.NotNull(stored.PasswordChangedAt); // stamped when the password was set

        var weak = _server.NewAccount("weak");
        weak["password"] = "aaaaaaaaaaaa";
        weak["passwordStrength"] = 50;
        Assert.Contains("password", await (await root.PostJsonAsync("/api/v2/users", weak)).AssertValidationProblemAsync());
        var bad = _server.NewAccount("bad");
        bad["accessTime"] = new JsonArray(new JsonObject { ["dayOfWeek"] = 9, ["from"] = "18:00", ["to"] = "08:00" });
        bad["accessTimeZone"] = "Mars/Olympus";
        bad["deniedProtocols"] = new JsonArray("FTP");
        var fields = await (await root.PostJsonAsync("/api/v2/users", bad)).AssertValidationProblemAsync();
        Assert.Contains("accessTime[0]", fields);
        Assert.Contains("accessTimeZone", fields);
        Assert.Contains("deniedProtocols[0]", fields);

        // Transfer usage shows in the quota answer and can be reset.
        var reset = await root.PutJsonAsync("/api/v2/quotas/users/limited/transfer-usage", new JsonObject { ["usedUploadDataTransfer"] = 5, ["usedDownloadDataTransfer"] = 0 });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(5, (await reset.BodyAsync())!["usedUploadDataTransfer"]!.GetValue<long>());
    }
}
