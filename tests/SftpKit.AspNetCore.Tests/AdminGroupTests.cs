using System.Net;
using System.Text.Json.Nodes;
using Renci.SshNet.Common;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// <c>/groups</c>: CRUD with validation and the <c>manage_groups</c> permission, accounts that belong to groups, the
/// group settings a real SFTP client meets, and groups in the backup document.
/// </summary>
public sealed class AdminGroupTests
{
    private static JsonObject Group(string name, string home) => new()
    {
        ["name"] = name,
        ["description"] = "read-only staff",
        ["homeDirectory"] = home,
        ["permissions"] = new JsonObject { ["/"] = new JsonArray("list", "download") },
        ["quotaFiles"] = 1,
    };

    private static JsonObject Member(string userName, params (string Name, int Type)[] groups) => new()
    {
        ["userName"] = userName,
        ["password"] = AdminTestServer.UserPassword,
        ["groups"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject { ["name"] = g.Name, ["type"] = g.Type }).ToArray()),
    };

    [Fact]
    public async Task Groups_are_created_read_listed_updated_and_deleted_once_no_account_belongs_to_them()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string home = Path.Combine(server.Directory, "homes", "%username%");
        using (var created = await api.PostJsonAsync("/api/v2/groups", Group("staff", home)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("/api/v2/groups/staff", created.Headers.Location?.OriginalString);
        }
        using (var again = await api.PostJsonAsync("/api/v2/groups", Group("staff", home)))
        {
            await again.AssertProblemAsync(HttpStatusCode.Conflict);
        }

        // An account needs no home directory of its own when its primary group has one; a group must exist.
        using (var member = await api.PostJsonAsync("/api/v2/users", Member("alice", ("staff", 1))))
        {
            Assert.Equal(HttpStatusCode.Created, member.StatusCode);
            var groups = (await member.BodyAsync())!["groups"]!.AsArray().Single()!;
            Assert.Equal(("staff", 1), (groups["name"]!.GetValue<string>(), groups["type"]!.GetValue<int>()));
        }
        using (var missing = await api.PostJsonAsync("/api/v2/users", Member("bob", ("nope", 2))))
        {
            Assert.Contains("groups[0].name", await missing.AssertValidationProblemAsync());
        }
        using (var twoPrimaries = await api.PostJsonAsync("/api/v2/users", Member("bob", ("staff", 1), ("other", 1))))
        {
            Assert.Contains("groups[1].type", await twoPrimaries.AssertValidationProblemAsync());
        }
        using (var badType = await api.PostJsonAsync("/api/v2/users", Member("bob", ("staff", 4))))
        {
            Assert.Contains("groups[0].type", await badType.AssertValidationProblemAsync());
        }

        using (var one = await api.GetAsync("/api/v2/groups/staff"))
        {
            var body = (await one.BodyAsync())!;
            Assert.Equal((home, 1L), (body["homeDirectory"]!.GetValue<string>(), body["quotaFiles"]!.GetValue<long>()));
            Assert.Equal(["alice:1"], body["users"]!.AsArray().Select(u => $"{u!["userName"]}:{u["type"]}"));
        }
        var changed = Group("staff", home);
        changed["quotaFiles"] = 5;
        changed["users"] = new JsonArray(); // read-only, ignored
        using (var updated = await api.PutJsonAsync("/api/v2/groups/staff", changed))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            Assert.Equal(5, (await updated.BodyAsync())!["quotaFiles"]!.GetValue<long>());
        }
        using (var listed = await api.GetAsync("/api/v2/groups"))
        {
            Assert.Equal(["staff"], (await listed.BodyAsync())!.AsArray().Select(g => g!["name"]!.GetValue<string>()));
        }
        using (var refused = await api.DeleteAsync("/api/v2/groups/staff"))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("alice", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        var alone = server.NewAccount("alice");
        using (var leave = await api.PutJsonAsync("/api/v2/users/alice", alone))
        {
            Assert.Equal(HttpStatusCode.OK, leave.StatusCode);
        }
        using (var deleted = await api.DeleteAsync("/api/v2/groups/staff"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await api.GetAsync("/api/v2/groups/staff"))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Bad_group_input_gets_problem_details_and_the_permission_is_manage_groups()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string root = Path.Combine(server.Directory, "g");
        var cases = new (JsonNode Body, string Field)[]
        {
            (new JsonObject { ["name"] = "a/b" }, "name"),
            (new JsonObject { ["name"] = "rel", ["homeDirectory"] = "relative/%username%" }, "homeDirectory"),
            (new JsonObject { ["name"] = "perm", ["permissions"] = new JsonObject { ["/"] = new JsonArray("fly") } }, "permissions[/]"),
            (new JsonObject { ["name"] = "neg", ["quotaSize"] = -1 }, "quotaSize"),
            (new JsonObject { ["name"] = "net", ["deniedIPs"] = new JsonArray("not a network") }, "deniedIPs[0]"),
            (new JsonObject { ["name"] = "meth", ["deniedLoginMethods"] = new JsonArray("telnet") }, "deniedLoginMethods[0]"),
            (new JsonObject { ["name"] = "vf", ["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "x", ["virtualPath"] = "/", ["fileSystem"] = new JsonObject { ["root"] = root } }) }, "virtualFolders[0].virtualPath"),
            (new JsonObject { ["name"] = "extra", ["owner"] = "x" }, "owner"),
        };
        foreach (var (body, field) in cases)
        {
            using var response = await api.PostJsonAsync("/api/v2/groups", body);
            Assert.Contains(field, await response.AssertValidationProblemAsync());
        }
        using (var listed = await api.GetAsync("/api/v2/groups"))
        {
            Assert.Empty((await listed.BodyAsync())!.AsArray());
        }
        using var ops = server.Client(await server.TokenAsync("ops"));
        using (var forbidden = await ops.GetAsync("/api/v2/groups"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
    }

    [Fact]
    public async Task An_account_gets_its_groups_permission_quota_and_folder_over_sftp_and_a_group_change_at_the_next_login()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var api = server.Client(await server.TokenAsync());
        string team = Path.Combine(server.Directory, "team");
        Directory.CreateDirectory(team);
        await File.WriteAllTextAsync(Path.Combine(team, "hello.txt"), "hi");
        using (var staff = await api.PostJsonAsync("/api/v2/groups", Group("staff", Path.Combine(server.Directory, "homes", "%username%"))))
        {
            Assert.Equal(HttpStatusCode.Created, staff.StatusCode);
        }
        var teamGroup = new JsonObject
        {
            ["name"] = "team",
            ["virtualFolders"] = new JsonArray(new JsonObject { ["name"] = "team", ["virtualPath"] = "/team", ["fileSystem"] = new JsonObject { ["root"] = team } }),
            ["permissions"] = new JsonObject { ["/team"] = new JsonArray("*") },
        };
        using (var created = await api.PostJsonAsync("/api/v2/groups", teamGroup))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var member = await api.PostJsonAsync("/api/v2/users", Member("erin", ("staff", 1), ("team", 2))))
        {
            Assert.Equal(HttpStatusCode.Created, member.StatusCode);
        }

        using (var sftp = server.SftpClient("erin"))
        {
            await sftp.ConnectAsync(CancellationToken.None);
            Assert.Contains(sftp.ListDirectory("/"), f => f.Name == "team");
            Assert.Equal("hi", sftp.ReadAllText("/team/hello.txt"));
            Assert.Throws<SftpPermissionDeniedException>(() => sftp.WriteAllText("/root.txt", "no"));
            sftp.WriteAllText("/team/one.txt", "1");
            Assert.ThrowsAny<SshException>(() => sftp.WriteAllText("/team/two.txt", "2")); // the group's quota: one file
            sftp.Disconnect();
        }
        Assert.False(File.Exists(Path.Combine(team, "two.txt")));

        var open = Group("staff", Path.Combine(server.Directory, "homes", "%username%"));
        open["permissions"] = new JsonObject { ["/"] = new JsonArray("*") };
        open["quotaFiles"] = 0;
        using (var updated = await api.PutJsonAsync("/api/v2/groups/staff", open))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }
        using (var sftp = server.SftpClient("erin"))
        {
            await sftp.ConnectAsync(CancellationToken.None);
            sftp.WriteAllText("/root.txt", "yes");
            sftp.WriteAllText("/team/two.txt", "2");
            sftp.Disconnect();
        }
        Assert.Equal("yes", await File.ReadAllTextAsync(Path.Combine(server.Directory, "homes", "erin", "root.txt")));
    }

    [Fact]
    public async Task The_backup_carries_groups_and_memberships_and_a_restore_creates_them()
    {
        string dump;
        await using (var source = await AdminTestServer.StartAsync())
        {
            using var api = source.Client(await source.TokenAsync());
            var staff = Group("staff", Path.Combine(source.Directory, "homes", "%username%"));
            staff["fileSystem"] = new JsonObject { ["provider"] = "memory", ["root"] = "%username%", ["settings"] = new JsonObject { ["capacityBytes"] = "1000" } };
            using (var created = await api.PostJsonAsync("/api/v2/groups", staff))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            using (var member = await api.PostJsonAsync("/api/v2/users", Member("alice", ("staff", 1))))
            {
                Assert.Equal(HttpStatusCode.Created, member.StatusCode);
            }
            using var response = await api.GetAsync("/api/v2/dumpdata");
            dump = await response.Content.ReadAsStringAsync();
        }
        var document = JsonNode.Parse(dump)!;
        Assert.Equal("staff", document["groups"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("staff", document["users"]![0]!["groups"]![0]!["name"]!.GetValue<string>());

        await using var target = await AdminTestServer.StartAsync();
        using var targetApi = target.Client(await target.TokenAsync());
        var withoutGroups = document.DeepClone();
        withoutGroups.AsObject().Remove("groups");
        using (var refused = await targetApi.PostRawAsync("/api/v2/loaddata", withoutGroups.ToJsonString()))
        {
            Assert.Contains("users[0].groups[0].name", await refused.AssertValidationProblemAsync());
        }
        using (var restored = await targetApi.PostRawAsync("/api/v2/loaddata", dump))
        {
            Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        }
        using (var group = await targetApi.GetAsync("/api/v2/groups/staff"))
        {
            var body = (await group.BodyAsync())!;
            Assert.Equal(("memory", "1000"), (body["fileSystem"]!["provider"]!.GetValue<string>(), body["fileSystem"]!["settings"]!["capacityBytes"]!.GetValue<string>()));
            Assert.Equal(["alice"], body["users"]!.AsArray().Select(u => u!["userName"]!.GetValue<string>()));
        }
        using var sftp = target.SftpClient("alice");
        await sftp.ConnectAsync(CancellationToken.None);
        Assert.Throws<SftpPermissionDeniedException>(() => sftp.WriteAllText("/x.txt", "read-only by the restored group"));
        sftp.Disconnect();
        Assert.Equal(SftpGroupType.Primary, (await target.Users.FindAsync("alice", CancellationToken.None))!.Groups.Single().Type);
    }
}
