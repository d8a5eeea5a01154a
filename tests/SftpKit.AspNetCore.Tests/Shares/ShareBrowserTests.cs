using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Shares;
using SftpKit.AspNetCore.Tests.Web;

namespace SftpKit.AspNetCore.Tests.Shares;

/// <summary>Share pages in a real browser: an anonymous visitor opens a password link; an admin sees and revokes it.</summary>
public sealed class ShareBrowserTests
{
    [Fact]
    public async Task A_visitor_opens_a_password_link_and_an_admin_revokes_it()
    {
        await using var server = await WebTestServer.StartAsync();
        string home = Path.Combine(server.Directory, "homes", "carol");
        Directory.CreateDirectory(Path.Combine(home, "photos"));
        await File.WriteAllTextAsync(Path.Combine(home, "photos", "cat.txt"), "meow");
        await server.Users.CreateAsync(new SftpAccount { UserName = "carol", PasswordHash = SftpPasswordHasher.Hash("pw"), HomeDirectory = home }, CancellationToken.None);
        var shares = server.Services.GetRequiredService<ShareService>();
        var created = await shares.CreateAsync("carol", new ShareDefinition { Name = "Holiday photos", Paths = ["/photos"], Password = "let me in", MaxTokens = 5 }, CancellationToken.None);
        Assert.True(created.Succeeded);
        var share = created.Share!;
        Assert.Equal(WebTestServer.SharesPath + "/" + share.Id, shares.GetLinkPath(share));

        using (var visitor = Browser.Start(nameof(A_visitor_opens_a_password_link_and_an_admin_revokes_it) + "-visitor", width: 390, height: 844))
        {
            visitor.Go(new Uri(server.BaseAddress, shares.GetLinkPath(share)));
            visitor.Screenshot("share-password");
            visitor.Fill(By.Name("password"), "wrong");
            visitor.ClickAndWait(By.CssSelector("button[type=submit]"));
            Assert.Contains("Wrong password", visitor.Find(By.CssSelector(".alert.error")).Text);
            visitor.Fill(By.Name("password"), "let me in");
            visitor.ClickAndWait(By.CssSelector("button[type=submit]"));
            Assert.Contains("Holiday photos", visitor.Find(By.TagName("h1")).Text);
            Assert.True(visitor.Exists(By.LinkText("cat.txt")));
            visitor.Screenshot("share-page");
        }

        using var admin = Browser.Start(nameof(A_visitor_opens_a_password_link_and_an_admin_revokes_it) + "-admin");
        admin.Go(new Uri(server.BaseAddress, WebTestServer.AdminPath + "/login"));
        admin.Fill(By.Name("username"), "root");
        admin.Fill(By.Name("password"), AdminTestServer.AdminPassword);
        admin.ClickAndWait(By.Id("sign-in"));
        admin.Find(By.Id("server-status"));
        admin.ClickAndWait(By.LinkText("Shares"));
        Assert.True(admin.Exists(By.CssSelector($"#shares tr[data-share='{share.Id}']")));
        admin.Screenshot("admin-shares");
        ((IJavaScriptExecutor)admin.Driver).ExecuteScript("window.confirm = function () { return true; };");
        admin.ClickAndWait(By.CssSelector($"#shares tr[data-share='{share.Id}'] button"));
        Assert.Contains("revoked", admin.Find(By.Id("notice")).Text);
        Assert.True(admin.Exists(By.Id("no-shares")));
        Assert.Null(await server.Services.GetRequiredService<ISftpShareStore>().FindAsync(share.Id, CancellationToken.None));
    }
}
