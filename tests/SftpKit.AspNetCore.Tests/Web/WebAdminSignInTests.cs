using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>The WebAdmin's sign-in, first-start setup, antiforgery and headers.</summary>
public sealed class WebAdminSignInTests
{
    [Fact]
    public async Task Wrong_password_shows_an_error_and_the_right_one_opens_the_dashboard()
    {
        await using var server = await WebTestServer.StartAsync();
        using var browser = Browser.Start(nameof(Wrong_password_shows_an_error_and_the_right_one_opens_the_dashboard));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/"));
        browser.Find(By.Name("username"));
        Assert.Contains("/login", browser.Driver.Url);
        browser.Screenshot("login");

        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), "not the password");
        browser.ClickAndWait(By.Id("sign-in"));
        Assert.Contains("Invalid username or password", browser.Find(By.Id("login-error")).Text);
        browser.Screenshot("wrong-password");

        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        Assert.Equal("Running", browser.Find(By.Id("server-status")).Text);
        browser.Screenshot("dashboard");

        browser.ClickAndWait(By.CssSelector("header .user button"));
        browser.Find(By.Name("username"));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/"));
        Assert.Contains("/login", browser.Driver.Url);
    }

    [Fact]
    public async Task First_start_offers_the_setup_page_to_loopback_and_creates_the_first_admin()
    {
        await using var server = await WebTestServer.StartAsync(seedAdmins: false);
        using var browser = Browser.Start(nameof(First_start_offers_the_setup_page_to_loopback_and_creates_the_first_admin));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/"));
        Assert.Contains("/setup", browser.Driver.Url);
        browser.Screenshot("setup");
        browser.Fill(By.Name("username"), "first");
        browser.Fill(By.Name("password"), "first admin password");
        browser.Fill(By.Name("confirm"), "first admin password");
        browser.ClickAndWait(By.Id("create-admin"));
        browser.Screenshot("after-setup");
        Assert.Equal("Running", browser.Find(By.Id("server-status")).Text);

        // Once an admin exists the page is gone.
        using var client = server.Client();
        using var response = await client.GetAsync(WebTestServer.AdminPath + "/setup");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var token = await server.RequestTokenAsync("first", "first admin password");
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task A_form_posted_without_the_antiforgery_token_is_refused()
    {
        await using var server = await WebTestServer.StartAsync();
        using var client = server.Client();
        using var page = await client.GetAsync(WebTestServer.AdminPath + "/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var post = await client.PostAsync(WebTestServer.AdminPath + "/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "root",
            ["password"] = AdminTestServer.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.DoesNotContain(post.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sftpkit-admin=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Pages_carry_the_security_headers_and_hide_errors()
    {
        await using var server = await WebTestServer.StartAsync();
        using var client = server.Client();
        using var page = await client.GetAsync(WebTestServer.AdminPath + "/login");
        string csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString());
        string html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("style=", html);

        using var css = await client.GetAsync(WebTestServer.AdminPath + "/assets/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        using var missing = await client.GetAsync(WebTestServer.AdminPath + "/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var anonymous = await noRedirects.GetAsync(WebTestServer.AdminPath + "/accounts");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/login?returnUrl=", anonymous.Headers.Location!.ToString());
    }
}

/// <summary>The WebAdmin's sign-in shares the API login's rate limit and defender.</summary>
public sealed class WebAdminLoginGuardTests
{
    [Fact]
    public async Task Failed_sign_ins_count_against_the_same_per_address_limit_as_the_token_endpoint()
    {
        await using var server = await AdminTestServer.StartAsync(adminOptions: o => o.LoginAttemptLimit = 3,
            services: s => s.AddSftpWebAdmin(), endpoints: app => app.MapSftpWebAdmin(WebTestServer.AdminPath));
        using var web = new WebFormClient(server.BaseAddress);
        var wrong = new Dictionary<string, string> { ["username"] = "root", ["password"] = "wrong" };
        for (int i = 0; i < 2; i++)
        {
            using var refused = await web.PostFormAsync(WebTestServer.AdminPath + "/login", WebTestServer.AdminPath + "/login", wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("Invalid username or password", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // The third attempt of the window goes to the API: still admitted. The next, from the web again, is over the limit.
        using (var token = await server.RequestTokenAsync("root", "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        }
        using var limited = await web.PostFormAsync(WebTestServer.AdminPath + "/login", WebTestServer.AdminPath + "/login",
            new Dictionary<string, string> { ["username"] = "root", ["password"] = AdminTestServer.AdminPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.DoesNotContain(web.Cookies.GetCookies(server.BaseAddress), c => c.Name == "sftpkit-admin");
    }
}
