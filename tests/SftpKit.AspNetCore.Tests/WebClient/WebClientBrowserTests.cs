using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SftpKit.AspNetCore.Tests.Web;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// The web client in a real browser (headless Chromium, see <see cref="Browser"/>): an account holder signs in, uploads
/// a file through the upload form, sees it listed, downloads it byte-identical, creates a folder and opens the
/// profile; a wrong password shows an error. Screenshots of each page land in <c>TestResults/screenshots/</c>.
/// </summary>
public sealed class WebClientBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_holder_signs_in_uploads_sees_and_downloads_a_file()
    {
        await using var server = await WebClientTestServer.StartAsync();
        using var browser = Browser.Start("webclient");
        var login = new Uri(server.BaseAddress, "/web/client/login");

        browser.Go(login);
        browser.Fill(By.Name("username"), "alice");
        browser.Fill(By.Name("password"), "wrong password");
        browser.Screenshot("login");
        browser.ClickAndWait(By.Id("sign-in"));
        Assert.Contains("Invalid username or password.", browser.Find(By.CssSelector(".alert.error")).Text, StringComparison.Ordinal);
        browser.Screenshot("login-wrong-password");

        browser.Fill(By.Name("username"), "alice");
        browser.Fill(By.Name("password"), WebClientTestServer.Password);
        browser.ClickAndWait(By.Id("sign-in"));
        Assert.EndsWith("/web/client/files", browser.Driver.Url, StringComparison.Ordinal);
        browser.Screenshot("files-empty");

        string local = Path.Combine(server.Directory, "upload source");
        Directory.CreateDirectory(local);
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(content);
        string source = Path.Combine(local, "report 2026.bin");
        await File.WriteAllBytesAsync(source, content, Ct);
        browser.Find(By.Id("files")).SendKeys(source);
        browser.ClickAndWait(By.Id("upload"));
        var link = browser.Find(By.LinkText("report 2026.bin"));
        Assert.Contains("Upload complete.", browser.Find(By.CssSelector(".alert.ok")).Text, StringComparison.Ordinal);
        browser.Screenshot("files-uploaded");
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(server.Home("alice"), "report 2026.bin"), Ct));

        string downloads = Path.Combine(server.Directory, "downloads");
        Directory.CreateDirectory(downloads);
        ((ChromeDriver)browser.Driver).ExecuteCdpCommand("Browser.setDownloadBehavior",
            new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads });
        link.Click();
        string downloaded = Path.Combine(downloads, "report 2026.bin");
        browser.WaitUntil(_ => File.Exists(downloaded) && !Directory.EnumerateFiles(downloads, "*.crdownload").Any()
            && new FileInfo(downloaded).Length == content.Length);
        Assert.Equal(content, await File.ReadAllBytesAsync(downloaded, Ct));

        browser.Fill(By.Id("folder"), "projects");
        browser.ClickAndWait(By.Id("create-folder"));
        browser.Find(By.LinkText("projects"));
        Assert.True(Directory.Exists(Path.Combine(server.Home("alice"), "projects")));
        browser.ClickAndWait(By.LinkText("projects"));
        Assert.Contains("projects", browser.Find(By.CssSelector("nav.crumbs")).Text, StringComparison.Ordinal);
        browser.Screenshot("folder");

        browser.Go(new Uri(server.BaseAddress, "/web/client/profile"));
        browser.Find(By.Id("current"));
        browser.Screenshot("profile");
    }

    [Fact]
    public async Task The_file_list_fits_a_phone()
    {
        await using var server = await WebClientTestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.Home("alice"), "notes.txt"), "notes", Ct);
        using var browser = Browser.Start("webclient-phone", 390, 844);
        browser.Go(new Uri(server.BaseAddress, "/web/client/login"));
        browser.Fill(By.Name("username"), "alice");
        browser.Fill(By.Name("password"), WebClientTestServer.Password);
        browser.ClickAndWait(By.Id("sign-in"));
        browser.Find(By.LinkText("notes.txt"));
        var script = (IJavaScriptExecutor)browser.Driver;
        long scrollWidth = (long)script.ExecuteScript("return document.documentElement.scrollWidth")!;
        long viewport = (long)script.ExecuteScript("return window.innerWidth")!;
        browser.Screenshot("files-phone");
        Assert.True(scrollWidth <= viewport, $"the page is {scrollWidth}px wide in a {viewport}px window (no sideways scrolling on a phone)");
    }
}
