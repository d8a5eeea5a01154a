using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>Roles in a real browser: the roles page, the role selects, and a role-bound admin's narrowed view.</summary>
public sealed class WebAdminRolesTests
{
    private static void SignIn(Browser browser, AdminTestServer server, string admin)
    {
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        browser.Fill(By.Name("username"), admin);
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Find(By.Id("server-status"));
    }

    [Fact]
    public async Task A_role_bound_admin_sees_and_edits_only_accounts_of_its_role()
    {
        await using var server = await WebTestServer.StartAsync();
        var admins = server.Services.GetRequiredService<ISftpAdminStore>();
        await server.Users.CreateAsync(new SftpAccount { UserName = "sales-1", HomeDirectory = Path.Combine(server.Directory, "homes", "sales-1") }, CancellationToken.None);

        // An unbound admin creates the role and binds an admin and an account to it through the pages.
        using (var browser = Browser.Start(nameof(A_role_bound_admin_sees_and_edits_only_accounts_of_its_role) + "-root"))
        {
            SignIn(browser, server, "root");
            browser.ClickAndWait(By.LinkText("Roles"));
            browser.ClickAndWait(By.Id("new-role"));
            browser.Fill(By.Name("name"), "finance");
            browser.Fill(By.Name("description"), "Finance team");
            browser.ClickAndWait(By.Id("save-role"));
            Assert.True(browser.Exists(By.CssSelector("#roles tr[data-role='finance']")));
            browser.Screenshot("roles");

            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/accounts/new"));
            browser.Fill(By.Name("userName"), "fin-1");
            browser.Fill(By.Name("password"), "fin password 123");
            browser.Fill(By.Name("homeDirectory"), Path.Combine(server.Directory, "homes", "fin-1"));
            browser.Find(By.CssSelector("select[name='role'] option[value='finance']")).Click();
            browser.Fill(By.Name("accessTime"), "Mon 08:00-18:00");
            browser.Fill(By.Name("uploadDataTransfer"), "100");
            browser.Find(By.Id("denyHTTP")).Click();
            browser.Screenshot("account-with-role");
            browser.ClickAndWait(By.Id("save-account"));
            Assert.True(browser.Exists(By.CssSelector("#accounts tr[data-user='fin-1']")));

            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/admins/new"));
            browser.Fill(By.Name("userName"), "fin-lead");
            browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
            browser.Find(By.CssSelector("select[name='role'] option[value='finance']")).Click();
            browser.Find(By.CssSelector("input[name='permissions'][value='manage_users']")).Click();
            browser.ClickAndWait(By.Id("save-admin"));
            Assert.True(browser.Exists(By.CssSelector("#admins tr[data-admin='fin-lead']")));
        }
        var fin = (await server.Users.FindAsync("fin-1", CancellationToken.None))!;
        Assert.Equal(("finance", 100L, "HTTP"), (fin.Role, fin.UploadDataTransfer, fin.DeniedProtocols.Single()));
        Assert.Equal(1, fin.AccessTime.Single().DayOfWeek);
        Assert.Equal("finance", (await admins.FindAsync("fin-lead", CancellationToken.None))!.Role);

        // The role-bound admin: one account listed, the other one's page is 404, no roles page.
        using (var browser = Browser.Start(nameof(A_role_bound_admin_sees_and_edits_only_accounts_of_its_role) + "-lead"))
        {
            SignIn(browser, server, "fin-lead");
            Assert.False(browser.Exists(By.LinkText("Roles")));
            browser.ClickAndWait(By.LinkText("Accounts"));
            Assert.True(browser.Exists(By.CssSelector("#accounts tr[data-user='fin-1']")));
            Assert.False(browser.Exists(By.CssSelector("#accounts tr[data-user='sales-1']")));
            browser.Screenshot("lead-accounts");
            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/accounts/sales-1"));
            Assert.Contains("Not found", browser.Find(By.TagName("h1")).Text, StringComparison.Ordinal);
            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/roles"));
            Assert.DoesNotContain("finance", browser.Find(By.TagName("body")).Text, StringComparison.Ordinal);

            // An account it creates gets its role; the select offers nothing else.
            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/accounts/new"));
            Assert.Single(browser.Driver.FindElements(By.CssSelector("select[name='role'] option")));
            browser.Fill(By.Name("userName"), "fin-2");
            browser.Fill(By.Name("homeDirectory"), Path.Combine(server.Directory, "homes", "fin-2"));
            browser.ClickAndWait(By.Id("save-account"));
            Assert.True(browser.Exists(By.CssSelector("#accounts tr[data-user='fin-2']")));
        }
        Assert.Equal("finance", (await server.Users.FindAsync("fin-2", CancellationToken.None))!.Role);
        Assert.Null((await server.Users.FindAsync("sales-1", CancellationToken.None))!.Role);
    }
}
