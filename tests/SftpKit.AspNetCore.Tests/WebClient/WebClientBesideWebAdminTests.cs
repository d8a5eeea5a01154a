using System.Net;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Tests.Web;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>The WebClient and the WebAdmin mapped side by side (as in the sample): each area's session is its own.</summary>
public sealed class WebClientBesideWebAdminTests
{
    [Fact]
    public async Task An_account_holders_session_opens_no_admin_page_and_no_api_call()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await WebTestServer.StartAsync();
        string home = Path.Combine(server.Directory, "homes", "carol");
        Directory.CreateDirectory(home);
        await server.Users.CreateAsync(new SftpAccount { UserName = "carol", PasswordHash = SftpPasswordHasher.Hash(WebClientTestServer.Password), HomeDirectory = home }, ct);
        using var browser = new WebClientBrowser(server.BaseAddress);
        await browser.SignInOkAsync("carol");
        using (var files = await browser.Http.GetAsync(WebTestServer.ClientPath + "/files", ct))
        {
            Assert.Equal(HttpStatusCode.OK, files.StatusCode);
        }
        using (var admin = await browser.Http.GetAsync(WebTestServer.AdminPath + "/", ct))
        {
            Assert.True(admin.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, admin.StatusCode.ToString());
            Assert.Contains(WebTestServer.AdminPath + "/login", admin.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        using var api = await browser.Http.GetAsync("/api/v2/users", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
