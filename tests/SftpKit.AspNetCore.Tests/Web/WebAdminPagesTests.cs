using OpenQA.Selenium;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>The WebAdmin's pages in a real browser against a real server.</summary>
public sealed class WebAdminPagesTests
{
    private static void SignIn(Browser browser, AdminTestServer server, string admin = "root")
    {
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        browser.Fill(By.Name("username"), admin);
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Find(By.Id("server-status"));
    }

    [Fact]
    public async Task Admin_creates_an_account_sees_it_listed_edits_and_deletes_it()
    {
        await using var server = await WebTestServer.StartAsync();
        using var browser = Browser.Start(nameof(Admin_creates_an_account_sees_it_listed_edits_and_deletes_it));
        SignIn(browser, server);
        browser.Screenshot("dashboard");

        browser.ClickAndWait(By.LinkText("Accounts"));
        browser.ClickAndWait(By.Id("new-account"));
        string home = Path.Combine(server.Directory, "homes", "webuser");
        browser.Fill(By.Name("userName"), "webuser");
        browser.Fill(By.Name("password"), AdminTestServer.UserPassword);
        browser.Fill(By.Name("homeDirectory"), home);
        browser.Fill(By.Name("permissions"), "/: *");
        browser.Fill(By.Name("quotaSize"), "1048576");
        browser.Screenshot("new-account");
        browser.ClickAndWait(By.Id("save-account"));
        Assert.Contains("created", browser.Find(By.Id("notice")).Text);
        Assert.True(browser.Exists(By.CssSelector("#accounts tr[data-user='webuser']")));
        browser.Screenshot("accounts");

        var stored = await server.Users.FindAsync("webuser", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(1048576, stored.QuotaSize);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(stored.PasswordHash!, AdminTestServer.UserPassword));

        // Edit: disable, keep the password.
        browser.ClickAndWait(By.LinkText("webuser"));
        browser.Screenshot("edit-account");
        browser.Find(By.Id("enabled")).Click();
        browser.Fill(By.Name("description"), "edited in the browser");
        browser.ClickAndWait(By.Id("save-account"));
        stored = await server.Users.FindAsync("webuser", CancellationToken.None);
        Assert.False(stored!.Enabled);
        Assert.Equal("edited in the browser", stored.Description);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(stored.PasswordHash!, AdminTestServer.UserPassword));

        // A validation error is shown, nothing saved.
        browser.ClickAndWait(By.LinkText("New account"));
        browser.Fill(By.Name("userName"), "bad/name");
        browser.ClickAndWait(By.Id("save-account"));
        Assert.True(browser.Exists(By.Id("form-errors")));
        browser.Screenshot("validation-error");

        // Delete (the confirm dialog is accepted).
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/accounts"));
        browser.Find(By.CssSelector("#accounts tr[data-user='webuser'] button")).Click();
        browser.Driver.SwitchTo().Alert().Accept();
        browser.WaitUntil(d => d.FindElements(By.Id("notice")).Count > 0);
        Assert.Null(await server.Users.FindAsync("webuser", CancellationToken.None));
    }

    [Fact]
    public async Task Admin_sees_a_live_sftp_connection_and_closes_it()
    {
        await using var server = await WebTestServer.StartAsync();
        string home = Path.Combine(server.Directory, "homes", "live");
        Directory.CreateDirectory(home);
        await server.Users.CreateAsync(new SftpAccount
        {
            UserName = "live",
            PasswordHash = SftpPasswordHasher.Hash(AdminTestServer.UserPassword),
            HomeDirectory = home,
        }, CancellationToken.None);
        using var sftp = server.SftpClient("live");
        await sftp.ConnectAsync(CancellationToken.None);

        using var browser = Browser.Start(nameof(Admin_sees_a_live_sftp_connection_and_closes_it));
        SignIn(browser, server);
        // The dashboard counts the connection and lists the login.
        browser.WaitUntil(d => d.FindElement(By.Id("session-count")).Text == "1" && d.FindElement(By.Id("recent-logins")).Text.Contains("live", StringComparison.Ordinal), reload: true);
        browser.Screenshot("dashboard");
        browser.ClickAndWait(By.LinkText("Connections"));
        browser.WaitUntil(d => d.FindElements(By.CssSelector("#connections tr[data-user='live']")).Count == 1, reload: true);
        browser.Screenshot("connections");

        browser.Find(By.CssSelector("#connections tr[data-user='live'] button")).Click();
        browser.Driver.SwitchTo().Alert().Accept();
        browser.WaitUntil(d => d.FindElements(By.Id("notice")).Count > 0);
        browser.Screenshot("closed");
        Assert.True(await AdminTestServer.WaitForAsync(() => Task.FromResult(!sftp.IsConnected)));
        Assert.False(browser.Exists(By.CssSelector("#connections tr[data-user='live']")));
    }
}
