using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SftpKit.AspNetCore.Tests.Web;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// Share links in a real browser (headless Chromium, see <see cref="Browser"/>): the account holder signs in, uploads
/// a file, shares it from its row in the file browser and gets the link; another browser without cookies opens the
/// link and downloads the file byte-identical. Screenshots land in <c>TestResults/screenshots/</c>.
/// </summary>
public sealed class WebClientShareBrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_account_holder_shares_a_file_and_an_anonymous_browser_downloads_it()
    {
        await using var server = await WebClientTestServer.StartAsync(shares: true);
        using var owner = Browser.Start("webclient-shares");
        owner.Go(new Uri(server.BaseAddress, "/web/client/login"));
        owner.Fill(By.Name("username"), "alice");
        owner.Fill(By.Name("password"), WebClientTestServer.Password);
        owner.ClickAndWait(By.Id("sign-in"));

        string local = Path.Combine(server.Directory, "upload source");
        Directory.CreateDirectory(local);
        byte[] content = new byte[1024 * 1024 + 5];
        Random.Shared.NextBytes(content);
        string source = Path.Combine(local, "handout.bin");
        await File.WriteAllBytesAsync(source, content, Ct);
        owner.Find(By.Id("files")).SendKeys(source);
        owner.ClickAndWait(By.Id("upload"));
        owner.Find(By.LinkText("handout.bin"));
        owner.Screenshot("files");

        owner.ClickAndWait(By.CssSelector("a.share[aria-label='Share handout.bin']"));
        Assert.Equal("/handout.bin", owner.Find(By.Id("paths")).GetAttribute("value"));
        Assert.Equal("handout.bin", owner.Find(By.Id("name")).GetAttribute("value"));
        owner.Fill(By.Id("name"), "handout for the class");
        owner.Fill(By.Id("max_tokens"), "10");
        owner.Screenshot("new-share");
        owner.ClickAndWait(By.Id("create-share"));
        Assert.Contains("Share created.", owner.Find(By.CssSelector(".alert.ok")).Text, StringComparison.Ordinal);
        string link = owner.Find(By.Id("share-link")).GetAttribute("value")!;
        Assert.StartsWith(server.BaseAddress + "web/client/pubshares/", link, StringComparison.Ordinal);
        Assert.Contains("handout for the class", owner.Find(By.CssSelector("table.shares")).Text, StringComparison.Ordinal);
        owner.Screenshot("shares");

        using var anonymous = Browser.Start("webclient-shares-anonymous");
        anonymous.Go(new Uri(link));
        string downloads = Path.Combine(server.Directory, "downloads");
        Directory.CreateDirectory(downloads);
        ((ChromeDriver)anonymous.Driver).ExecuteCdpCommand("Browser.setDownloadBehavior",
            new Dictionary<string, object?> { ["behavior"] = "allow", ["downloadPath"] = downloads });
        var file = anonymous.Find(By.PartialLinkText("handout.bin"));
        anonymous.Screenshot("share-page");
        file.Click();
        string downloaded = Path.Combine(downloads, "handout.bin");
        anonymous.WaitUntil(_ => File.Exists(downloaded) && !Directory.EnumerateFiles(downloads, "*.crdownload").Any()
            && new FileInfo(downloaded).Length == content.Length);
        Assert.Equal(content, await File.ReadAllBytesAsync(downloaded, Ct));

        // The use was counted on the owner's list.
        owner.Go(new Uri(server.BaseAddress, "/web/client/shares"));
        owner.WaitUntil(d => d.FindElement(By.CssSelector("table.shares")).Text.Contains("1 / 10", StringComparison.Ordinal), reload: true);
        owner.Screenshot("shares-used");

        // On a phone the list scrolls inside its table, not the page sideways.
        owner.Driver.Manage().Window.Size = new System.Drawing.Size(390, 844);
        owner.WaitUntil(d => (long)owner.Script("return window.innerWidth")! <= 420);
        long scrollWidth = (long)owner.Script("return document.documentElement.scrollWidth")!;
        long viewport = (long)owner.Script("return window.innerWidth")!;
        owner.Screenshot("shares-phone");
        Assert.True(scrollWidth <= viewport, $"the page is {scrollWidth}px wide in a {viewport}px window");
    }
}
