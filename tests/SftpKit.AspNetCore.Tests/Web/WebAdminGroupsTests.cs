using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>The WebAdmin's groups pages and the account form's group selects.</summary>
public sealed class WebAdminGroupsTests
{
    private static string Admin(string page) => WebTestServer.AdminPath + "/" + page;

    private static async Task<WebFormClient> SignInAsync(AdminTestServer server, string admin = "root")
    {
        var web = new WebFormClient(server.BaseAddress);
        using var signIn = await web.PostFormAsync(Admin("login"), Admin("login"),
            new Dictionary<string, string> { ["username"] = admin, ["password"] = AdminTestServer.AdminPassword });
        Assert.True(signIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, "sign-in answered " + signIn.StatusCode);
        return web;
    }

    [Fact]
    public async Task Group_pages_create_edit_and_delete_and_the_account_form_selects_groups()
    {
        await using var server = await WebTestServer.StartAsync();
        var groups = server.Services.GetRequiredService<ISftpGroupStore>();
        var folders = server.Services.GetRequiredService<ISftpFolderStore>();
        string teamRoot = Path.Combine(server.Directory, "team");
        await folders.CreateAsync(new SftpFolder { Name = "team", FileSystem = new SftpFileSystemConfig { Root = teamRoot } }, CancellationToken.None);
        using var web = await SignInAsync(server);
        string home = Path.Combine(server.Directory, "homes", "%username%");

        using (var created = await web.PostFormAsync(Admin("groups/new"), Admin("groups/new"), new Dictionary<string, string>
        {
            ["name"] = "staff",
            ["description"] = "read-only staff",
            ["homeDirectory"] = home,
            ["permissions"] = "/: list, download\n/team: *",
            ["virtualFolders"] = "team: /team",
            ["quotaFiles"] = "5",
            ["deniedIPs"] = "192.0.2.0/24",
            ["deniedLoginMethods"] = "keyboard-interactive",
        }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        }
        var stored = (await groups.FindAsync("staff", CancellationToken.None))!;
        Assert.Equal((home, 5L, "read-only staff"), (stored.HomeDirectory, stored.QuotaFiles, stored.Description));
        Assert.Equal(["list", "download"], stored.Permissions["/"]);
        var folder = Assert.Single(stored.VirtualFolders);
        Assert.Equal(("team", "/team", teamRoot), (folder.Name, folder.VirtualPath, folder.FileSystem.Root));
        Assert.Equal(["192.0.2.0/24"], stored.DeniedIPs);
        Assert.Equal(["keyboard-interactive"], stored.DeniedLoginMethods);

        using (var again = await web.PostFormAsync(Admin("groups/new"), Admin("groups/new"), new Dictionary<string, string> { ["name"] = "staff" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        using (var bad = await web.PostFormAsync(Admin("groups/new"), Admin("groups/new"),
            new Dictionary<string, string> { ["name"] = "bad", ["permissions"] = "/: fly", ["virtualFolders"] = "nope: /x" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("form-errors", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Null(await groups.FindAsync("bad", CancellationToken.None));
        await groups.CreateAsync(new SftpGroup { Name = "auditors" }, CancellationToken.None);

        // The account form offers the groups and saves the choice; the account needs no home of its own.
        string form = await web.Http.GetStringAsync(Admin("accounts/new"));
        Assert.Contains("<option value=\"staff\">staff</option>", form, StringComparison.Ordinal);
        using (var account = await web.PostFormAsync(Admin("accounts/new"), Admin("accounts/new"), new Dictionary<string, string>
        {
            ["userName"] = "alice",
            ["password"] = AdminTestServer.UserPassword,
            ["enabled"] = "on",
            ["primaryGroup"] = "staff",
            ["membershipGroups"] = "auditors",
        }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, account.StatusCode);
        }
        var alice = (await server.Users.FindAsync("alice", CancellationToken.None))!;
        Assert.Equal([("staff", SftpGroupType.Primary), ("auditors", SftpGroupType.Membership)], alice.Groups.Select(g => (g.Name, g.Type)));
        string edit = await web.Http.GetStringAsync(Admin("accounts/alice"));
        Assert.Contains("<option value=\"staff\" selected>staff</option>", edit, StringComparison.Ordinal);

        // The list shows the members; an edit is stored; delete is refused while alice belongs to the group.
        string list = await web.Http.GetStringAsync(Admin("groups"));
        Assert.Contains("data-group=\"staff\"", list, StringComparison.Ordinal);
        Assert.Contains(">alice</a>", list, StringComparison.Ordinal);
        using (var edited = await web.PostFormAsync(Admin("groups/staff"), Admin("groups/staff"), new Dictionary<string, string>
        {
            ["homeDirectory"] = home,
            ["permissions"] = "/: *",
            ["virtualFolders"] = "team: /shared",
            ["quotaFiles"] = "9",
        }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, edited.StatusCode);
        }
        stored = (await groups.FindAsync("staff", CancellationToken.None))!;
        Assert.Equal((9L, "/shared", teamRoot), (stored.QuotaFiles, stored.VirtualFolders.Single().VirtualPath, stored.VirtualFolders.Single().FileSystem.Root));
        Assert.Empty(stored.DeniedLoginMethods);
        using (var refused = await web.PostFormAsync(Admin("groups"), Admin("groups/staff/delete"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }
        await server.Users.DeleteAsync("alice", CancellationToken.None);
        using (var deleted = await web.PostFormAsync(Admin("groups"), Admin("groups/staff/delete"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        }
        Assert.Null(await groups.FindAsync("staff", CancellationToken.None));
    }

    [Fact]
    public async Task An_admin_without_manage_groups_gets_403_and_no_navigation_entry()
    {
        await using var server = await WebTestServer.StartAsync();
        using var web = await SignInAsync(server, "ops");
        Assert.DoesNotContain(">Groups<", await web.Http.GetStringAsync(Admin("")), StringComparison.Ordinal);
        foreach (string page in (string[])["groups", "groups/new"])
        {
            using var get = await web.Http.GetAsync(Admin(page));
            Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        }
        using var post = await web.PostFormAsync(Admin("accounts"), Admin("groups/new"), new Dictionary<string, string> { ["name"] = "sneaky" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Null(await server.Services.GetRequiredService<ISftpGroupStore>().FindAsync("sneaky", CancellationToken.None));
    }
}
