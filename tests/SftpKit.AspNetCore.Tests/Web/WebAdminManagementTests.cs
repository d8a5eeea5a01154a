using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>The WebAdmin's defender, admins, API keys and backup pages in a real browser.</summary>
public sealed class WebAdminManagementTests
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
    public async Task Defender_admins_api_keys_and_backup_pages_work()
    {
        await using var server = await WebTestServer.StartAsync();
        using var browser = Browser.Start(nameof(Defender_admins_api_keys_and_backup_pages_work));
        SignIn(browser, server);

        // Defender: ban, see, unban.
        browser.ClickAndWait(By.LinkText("Defender"));
        browser.Fill(By.Name("address"), "192.0.2.77");
        browser.Fill(By.Name("minutes"), "30");
        browser.ClickAndWait(By.Id("ban"));
        Assert.True(browser.Exists(By.CssSelector("#hosts tr[data-host='192.0.2.77']")));
        browser.Screenshot("defender");
        var defender = server.Services.GetService(typeof(ISftpDefender)) as ISftpDefender;
        Assert.True((await defender!.GetHostAsync(IPAddress.Parse("192.0.2.77"), CancellationToken.None))!.IsBanned);
        browser.ClickAndWait(By.CssSelector("#hosts tr[data-host='192.0.2.77'] button"));
        Assert.False(browser.Exists(By.CssSelector("#hosts tr[data-host='192.0.2.77']")));

        // Admins: create one with a single permission; it can sign in to the API.
        browser.ClickAndWait(By.LinkText("Admins"));
        browser.ClickAndWait(By.Id("new-admin"));
        browser.Fill(By.Name("userName"), "helper");
        browser.Fill(By.Name("password"), "helper password 99");
        browser.Find(By.CssSelector("input[name='permissions'][value='view_defender']")).Click();
        browser.Screenshot("new-admin");
        browser.ClickAndWait(By.Id("save-admin"));
        Assert.True(browser.Exists(By.CssSelector("#admins tr[data-admin='helper']")));
        browser.Screenshot("admins");
        var helper = await server.Services.GetRequiredService<ISftpAdminStore>().FindAsync("helper", CancellationToken.None);
        Assert.Equal(["view_defender"], helper!.Permissions);
        using (var token = await server.RequestTokenAsync("helper", "helper password 99"))
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        }

        // API keys: the key is shown once and authenticates.
        browser.ClickAndWait(By.LinkText("API keys"));
        browser.Fill(By.Name("name"), "automation");
        browser.Find(By.CssSelector("select[name='admin'] option[value='ops']")).Click();
        browser.ClickAndWait(By.Id("create-key"));
        string key = browser.Find(By.Id("api-key")).Text.Trim();
        browser.Screenshot("api-key");
        using (var client = server.Client())
        {
            client.DefaultRequestHeaders.Add("X-SFTPKIT-API-KEY", key);
            using var users = await client.GetAsync("/api/v2/users");
            Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        }
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/apikeys"));
        Assert.False(browser.Exists(By.Id("api-key")));

        // Backup: download with the browser's session, restore into a fresh account list.
        await server.Users.CreateAsync(new SftpAccount { UserName = "kept", PasswordHash = SftpPasswordHasher.Hash("kept password 1"), HomeDirectory = Path.Combine(server.Directory, "homes", "kept") }, CancellationToken.None);
        browser.ClickAndWait(By.LinkText("Backup"));
        browser.Screenshot("backup");
        string href = browser.Find(By.Id("download-backup")).GetAttribute("href")!;
        var cookie = browser.Driver.Manage().Cookies.GetCookieNamed("sftpkit-admin")!;
        string document;
        using (var client = server.Client())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, href);
            request.Headers.Add("Cookie", "sftpkit-admin=" + cookie.Value);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            document = await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("\"kept\"", document, StringComparison.Ordinal);
        await server.Users.DeleteAsync("kept", CancellationToken.None);
        string file = Path.Combine(server.Directory, "backup.json");
        await File.WriteAllTextAsync(file, document);
        browser.Find(By.Id("file")).SendKeys(file);
        browser.Find(By.Id("restore")).Click();
        browser.Driver.SwitchTo().Alert().Accept();
        browser.WaitUntil(d => d.FindElements(By.Id("notice")).Count > 0);
        browser.Screenshot("restored");
        Assert.NotNull(await server.Users.FindAsync("kept", CancellationToken.None));
    }

    [Fact]
    public async Task A_viewer_sees_only_the_pages_of_its_permissions()
    {
        await using var server = await WebTestServer.StartAsync();
        using var browser = Browser.Start(nameof(A_viewer_sees_only_the_pages_of_its_permissions));
        SignIn(browser, server, "viewer");
        Assert.True(browser.Exists(By.LinkText("Connections")));
        Assert.False(browser.Exists(By.LinkText("Accounts")));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/accounts"));
        Assert.Contains("Not allowed", browser.Find(By.TagName("h1")).Text);
        browser.Screenshot("forbidden");
    }

    [Fact]
    public async Task The_setup_page_refuses_requests_a_local_proxy_forwarded()
    {
        await using var server = await WebTestServer.StartAsync(seedAdmins: false);
        using var client = server.Client();
        using (var local = await client.GetAsync(WebTestServer.AdminPath + "/setup"))
        {
            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, WebTestServer.AdminPath + "/setup");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var forwarded = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, forwarded.StatusCode);
    }
}

/// <summary>The pages on a phone-sized screen and in dark mode.</summary>
public sealed class WebAdminLayoutTests
{
    [Fact]
    public async Task Pages_fit_a_phone_screen_and_follow_the_dark_color_scheme()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.Users.CreateAsync(new SftpAccount { UserName = "phoneuser", PasswordHash = SftpPasswordHasher.Hash("phone password 1"), HomeDirectory = Path.Combine(server.Directory, "homes", "phoneuser"), QuotaSize = 1 << 20 }, CancellationToken.None);
        using var browser = Browser.Start(nameof(Pages_fit_a_phone_screen_and_follow_the_dark_color_scheme), 390, 844);
        browser.UseDarkColorScheme();
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        browser.Screenshot("phone-dark-login");
        string light = (string)browser.Script("return getComputedStyle(document.body).backgroundColor")!;
        Assert.Equal("rgb(18, 21, 27)", light);
        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        foreach (string page in (string[])["", "accounts", "accounts/phoneuser", "connections", "defender", "admins", "apikeys", "backup"])
        {
            browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/" + page));
            browser.Screenshot("phone-" + (page.Length == 0 ? "dashboard" : page.Replace('/', '-')));
            long scrollWidth = (long)browser.Script("return document.documentElement.scrollWidth")!;
            long viewport = (long)browser.Script("return window.innerWidth")!;
            Assert.True(scrollWidth <= viewport, $"/{page} is {scrollWidth}px wide on a {viewport}px screen");
        }
    }
}
