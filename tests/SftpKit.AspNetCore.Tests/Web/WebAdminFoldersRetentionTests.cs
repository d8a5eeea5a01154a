using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Retention;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>The WebAdmin's virtual folders, retention checks and quota scans pages.</summary>
public sealed class WebAdminFoldersRetentionTests
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

    private static async Task<SftpAccount> CreateAccountAsync(AdminTestServer server, string userName, params SftpVirtualFolder[] mounts)
    {
        string home = Path.Combine(server.Directory, "homes", userName);
        Directory.CreateDirectory(home);
        var account = new SftpAccount { UserName = userName, PasswordHash = SftpPasswordHasher.Hash(AdminTestServer.UserPassword), HomeDirectory = home };
        foreach (var mount in mounts)
        {
            account.VirtualFolders.Add(mount);
        }
        await server.Users.CreateAsync(account, CancellationToken.None);
        return account;
    }

    [Fact]
    public async Task Folder_pages_create_edit_and_delete_through_the_folder_store()
    {
        await using var server = await WebTestServer.StartAsync();
        using var web = await SignInAsync(server);
        var folders = server.Services.GetRequiredService<ISftpFolderStore>();
        string root = Path.Combine(server.Directory, "shared");

        using (var created = await web.PostFormAsync(Admin("folders/new"), Admin("folders/new"),
            new Dictionary<string, string> { ["name"] = "shared", ["provider"] = "local", ["root"] = root, ["quotaSize"] = "4096", ["description"] = "team files" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        }
        var stored = await folders.FindAsync("shared", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(root, stored.FileSystem.Root);
        Assert.Equal(4096, stored.QuotaSize);
        Assert.Equal("team files", stored.Description);

        // The same name again: refused as by POST /folders.
        using (var again = await web.PostFormAsync(Admin("folders/new"), Admin("folders/new"),
            new Dictionary<string, string> { ["name"] = "shared", ["provider"] = "local", ["root"] = root }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        // A validation error: shown, nothing stored.
        using (var bad = await web.PostFormAsync(Admin("folders/new"), Admin("folders/new"),
            new Dictionary<string, string> { ["name"] = "bad", ["provider"] = "local", ["root"] = root, ["quotaSize"] = "lots" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("form-errors", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Null(await folders.FindAsync("bad", CancellationToken.None));

        // An account mounts it; the list shows the mount; an edit reaches the account's copy.
        await CreateAccountAsync(server, "alice", stored.MountAt("/team"));
        string list = await web.Http.GetStringAsync(Admin("folders"));
        Assert.Contains("data-folder=\"shared\"", list, StringComparison.Ordinal);
        Assert.Contains("/team", list, StringComparison.Ordinal);
        string moved = Path.Combine(server.Directory, "shared2");
        using (var edited = await web.PostFormAsync(Admin("folders/shared"), Admin("folders/shared"),
            new Dictionary<string, string> { ["provider"] = "local", ["root"] = moved, ["quotaSize"] = "8192", ["description"] = "moved" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, edited.StatusCode);
        }
        stored = await folders.FindAsync("shared", CancellationToken.None);
        Assert.Equal(moved, stored!.FileSystem.Root);
        Assert.Equal(8192, stored.QuotaSize);
        var alice = await server.Users.FindAsync("alice", CancellationToken.None);
        Assert.Equal(moved, alice!.VirtualFolders.Single().FileSystem.Root);
        Assert.Equal("/team", alice.VirtualFolders.Single().VirtualPath);

        // Delete: refused while mounted, done after.
        using (var refused = await web.PostFormAsync(Admin("folders"), Admin("folders/shared/delete"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }
        Assert.NotNull(await folders.FindAsync("shared", CancellationToken.None));
        await server.Users.DeleteAsync("alice", CancellationToken.None);
        using (var deleted = await web.PostFormAsync(Admin("folders"), Admin("folders/shared/delete"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        }
        Assert.Null(await folders.FindAsync("shared", CancellationToken.None));

        // Without the antiforgery token the post is refused.
        using var forged = await web.Http.PostAsync(Admin("folders/new"), new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "forged", ["root"] = root }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(await folders.FindAsync("forged", CancellationToken.None));
    }

    [Fact]
    public async Task Retention_page_starts_a_check_that_deletes_old_files_and_lists_it()
    {
        await using var server = await WebTestServer.StartAsync();
        var account = await CreateAccountAsync(server, "bob");
        string old = Path.Combine(account.HomeDirectory!, "old.txt");
        string fresh = Path.Combine(account.HomeDirectory!, "fresh.txt");
        await File.WriteAllTextAsync(old, "old");
        await File.WriteAllTextAsync(fresh, "fresh");
        File.SetLastWriteTimeUtc(old, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        using var web = await SignInAsync(server);

        using (var bad = await web.PostFormAsync(Admin("retention"), Admin("retention"),
            new Dictionary<string, string> { ["userName"] = "bob", ["policies"] = "/: soon" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using (var unknown = await web.PostFormAsync(Admin("retention"), Admin("retention"),
            new Dictionary<string, string> { ["userName"] = "nobody", ["policies"] = "/: 24" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }
        using (var started = await web.PostFormAsync(Admin("retention"), Admin("retention"),
            new Dictionary<string, string> { ["userName"] = "bob", ["policies"] = "/: 24" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, started.StatusCode);
        }
        var checks = server.Services.GetRequiredService<RetentionCheckQueue>();
        Assert.True(await AdminTestServer.WaitForAsync(() => Task.FromResult(checks.Get("bob")?.State == SftpRetentionCheckState.Completed)));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        string page = await web.Http.GetStringAsync(Admin("retention"));
        Assert.Contains("data-check=\"bob\" data-state=\"Completed\"", page, StringComparison.Ordinal);
        Assert.Contains("1 files", page, StringComparison.Ordinal);

        // The quota scans list shows a scan started from the account's page.
        using (var scan = await web.PostFormAsync(Admin("accounts/bob"), Admin("accounts/bob/scan"), new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.SeeOther, scan.StatusCode);
        }
        Assert.Contains("data-scan=\"bob\"", await web.Http.GetStringAsync(Admin("quotascans")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_without_the_permissions_gets_403_and_no_navigation_entries()
    {
        await using var server = await WebTestServer.StartAsync();
        using var web = await SignInAsync(server, "ops");
        string dashboard = await web.Http.GetStringAsync(Admin(""));
        Assert.Contains(">Accounts<", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain(">Folders<", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain(">Retention<", dashboard, StringComparison.Ordinal);
        Assert.DoesNotContain(">Quota scans<", dashboard, StringComparison.Ordinal);
        foreach (string page in (string[])["folders", "folders/new", "retention", "quotascans"])
        {
            using var get = await web.Http.GetAsync(Admin(page));
            Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        }
        // A post carrying a valid token (from a page ops may see) is refused too.
        using var post = await web.PostFormAsync(Admin("accounts"), Admin("folders/new"),
            new Dictionary<string, string> { ["name"] = "sneaky", ["provider"] = "local", ["root"] = server.Directory });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Null(await server.Services.GetRequiredService<ISftpFolderStore>().FindAsync("sneaky", CancellationToken.None));
        using var retention = await web.PostFormAsync(Admin("accounts"), Admin("retention"),
            new Dictionary<string, string> { ["userName"] = "x", ["policies"] = "/: 1" });
        Assert.Equal(HttpStatusCode.Forbidden, retention.StatusCode);
    }

    [Fact]
    public async Task Account_form_edits_virtual_folder_mounts_and_file_name_filters()
    {
        await using var server = await WebTestServer.StartAsync();
        var folders = server.Services.GetRequiredService<ISftpFolderStore>();
        string mediaRoot = Path.Combine(server.Directory, "media");
        await folders.CreateAsync(new SftpFolder { Name = "media", FileSystem = new SftpFileSystemConfig { Root = mediaRoot }, QuotaFiles = 10 }, CancellationToken.None);
        var account = await CreateAccountAsync(server, "dave");
        using var web = await SignInAsync(server);
        var fields = new Dictionary<string, string>
        {
            ["enabled"] = "on",
            ["homeDirectory"] = account.HomeDirectory!,
            ["permissions"] = "/: *",
            ["virtualFolders"] = "media: /media",
            ["filePatterns"] = "/uploads | *.txt, *.csv | *.exe",
        };
        using (var saved = await web.PostFormAsync(Admin("accounts/dave"), Admin("accounts/dave"), fields))
        {
            Assert.Equal(HttpStatusCode.SeeOther, saved.StatusCode);
        }
        var stored = await server.Users.FindAsync("dave", CancellationToken.None);
        var mount = Assert.Single(stored!.VirtualFolders);
        Assert.Equal(("media", "/media", mediaRoot, 10L), (mount.Name, mount.VirtualPath, mount.FileSystem.Root, mount.QuotaFiles));
        var filter = Assert.Single(stored.FilePatterns);
        Assert.Equal("/uploads", filter.Path);
        Assert.Equal(["*.txt", "*.csv"], filter.AllowedPatterns);
        Assert.Equal(["*.exe"], filter.DeniedPatterns);

        // The page shows them back; a post without these fields keeps them.
        string page = await web.Http.GetStringAsync(Admin("accounts/dave"));
        Assert.Contains("media: /media", page, StringComparison.Ordinal);
        Assert.Contains("/uploads | *.txt, *.csv | *.exe", page, StringComparison.Ordinal);
        fields.Remove("virtualFolders");
        fields.Remove("filePatterns");
        fields["description"] = "kept mounts";
        using (var partial = await web.PostFormAsync(Admin("accounts/dave"), Admin("accounts/dave"), fields))
        {
            Assert.Equal(HttpStatusCode.SeeOther, partial.StatusCode);
        }
        stored = await server.Users.FindAsync("dave", CancellationToken.None);
        Assert.Equal("kept mounts", stored!.Description);
        Assert.Equal("/media", Assert.Single(stored.VirtualFolders).VirtualPath);
        Assert.Single(stored.FilePatterns);

        // An unknown folder and a malformed filter line are reported, nothing saved.
        fields["virtualFolders"] = "nosuch: /x";
        fields["filePatterns"] = "/only-a-path";
        using (var bad = await web.PostFormAsync(Admin("accounts/dave"), Admin("accounts/dave"), fields))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        fields["filePatterns"] = "";
        using (var unknown = await web.PostFormAsync(Admin("accounts/dave"), Admin("accounts/dave"), fields))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("nosuch", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // Moving the mount and clearing the filters.
        fields["virtualFolders"] = "media: /library";
        using (var moved = await web.PostFormAsync(Admin("accounts/dave"), Admin("accounts/dave"), fields))
        {
            Assert.Equal(HttpStatusCode.SeeOther, moved.StatusCode);
        }
        stored = await server.Users.FindAsync("dave", CancellationToken.None);
        Assert.Equal("/library", Assert.Single(stored!.VirtualFolders).VirtualPath);
        Assert.Empty(stored.FilePatterns);
    }

    [Fact]
    public async Task Folders_retention_and_quota_scan_pages_in_a_browser()
    {
        await using var server = await WebTestServer.StartAsync();
        await CreateAccountAsync(server, "carol");
        using var browser = Browser.Start(nameof(Folders_retention_and_quota_scan_pages_in_a_browser));
        browser.Go(new Uri(server.BaseAddress, Admin("login")));
        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Find(By.Id("server-status"));

        browser.ClickAndWait(By.LinkText("Folders"));
        browser.ClickAndWait(By.Id("new-folder"));
        browser.Fill(By.Name("name"), "archive");
        browser.Fill(By.Name("root"), Path.Combine(server.Directory, "archive"));
        browser.Fill(By.Name("quotaSize"), "1048576");
        browser.Screenshot("new-folder");
        browser.ClickAndWait(By.Id("save-folder"));
        Assert.True(browser.Exists(By.CssSelector("#folders tr[data-folder='archive']")));
        browser.Screenshot("folders");
        browser.ClickAndWait(By.LinkText("archive"));
        browser.Fill(By.Name("description"), "old reports");
        browser.Screenshot("edit-folder");
        browser.ClickAndWait(By.Id("save-folder"));
        Assert.Equal("old reports", (await server.Services.GetRequiredService<ISftpFolderStore>().FindAsync("archive", CancellationToken.None))!.Description);

        browser.ClickAndWait(By.LinkText("Retention"));
        browser.Fill(By.Name("userName"), "carol");
        browser.Fill(By.Name("policies"), "/: 720");
        browser.Find(By.Id("start-check")).Click();
        browser.Driver.SwitchTo().Alert().Accept();
        browser.WaitUntil(d => d.FindElements(By.Id("notice")).Count > 0);
        browser.WaitUntil(d => d.FindElements(By.CssSelector("#checks tr[data-check='carol'][data-state='Completed']")).Count == 1, reload: true);
        browser.Screenshot("retention");

        browser.Go(new Uri(server.BaseAddress, Admin("accounts/carol")));
        browser.ClickAndWait(By.Id("scan"));
        browser.ClickAndWait(By.LinkText("Quota scans"));
        Assert.True(browser.Exists(By.CssSelector("#scans tr[data-scan='carol']")));
        browser.Screenshot("quota-scans");
    }
}
