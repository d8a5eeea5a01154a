using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests.Web;

/// <summary>Chromium signing in to the WebAdmin with a one-time code from oathtool, and turning 2FA on from the profile.</summary>
public sealed class TwoFactorBrowserTests
{
    [Fact]
    public async Task An_admin_turns_two_factor_on_and_signs_in_with_a_code()
    {
        await using var server = await WebTestServer.StartAsync();
        using var browser = Browser.Start(nameof(An_admin_turns_two_factor_on_and_signs_in_with_a_code));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/profile"));
        browser.ClickAndWait(By.Id("totp-start"));
        Assert.StartsWith("data:image/png;base64,", browser.Find(By.Id("totp-qr")).GetAttribute("src"), StringComparison.Ordinal);
        browser.Screenshot("enrol");
        string secret = browser.Find(By.Id("totp-secret")).Text;
        browser.Fill(By.Id("enrol-code"), await TwoFactorApiTests.OathtoolAsync(secret));
        browser.ClickAndWait(By.Id("totp-enable"));
        Assert.Equal(10, browser.Driver.FindElements(By.CssSelector("#recovery-codes li")).Count);
        Assert.True(await server.Services.GetRequiredService<SftpCredentials>().IsRequiredAsync(SftpCredentialOwner.Admin("root"), SftpTotpProtocols.Http));

        browser.ClickAndWait(By.CssSelector("header .user button")); // sign out
        browser.Fill(By.Name("username"), "root");
        browser.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Fill(By.Id("code"), "000000");
        browser.ClickAndWait(By.Id("verify-code"));
        Assert.Contains("Invalid authentication code", browser.Find(By.Id("code-error")).Text, StringComparison.Ordinal);
        // The enrolment spent the current step: the next one is within the window and fresh.
        browser.Fill(By.Id("code"), await TwoFactorApiTests.OathtoolAsync(secret, "now + 30 seconds"));
        browser.ClickAndWait(By.Id("verify-code"));
        Assert.Equal("Running", browser.Find(By.Id("server-status")).Text);
        browser.Screenshot("signed-in");
    }
}
