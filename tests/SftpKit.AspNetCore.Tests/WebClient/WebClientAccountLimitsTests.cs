using System.Net;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>Per-account limits seen by the web client: a denied HTTP protocol, an expired password, a weak new password.</summary>
public sealed class WebClientAccountLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<SftpAccount> ChangeAsync(WebClientTestServer server, string user, Action<SftpAccount> change)
    {
        var account = (await server.Users.FindAsync(user, Ct))!;
        change(account);
        Assert.True(await server.Users.UpdateAsync(account, Ct));
        return account;
    }

    [Fact]
    public async Task A_denied_HTTP_protocol_or_an_expired_password_blocks_the_web_client_sign_in()
    {
        await using var server = await WebClientTestServer.StartAsync();
        await ChangeAsync(server, "alice", a => a.DeniedProtocols = [SftpAccountLimits.ProtocolHttp]);
        using (var browser = server.Browser())
        using (var denied = await browser.SignInAsync("alice", WebClientTestServer.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }
        await ChangeAsync(server, "alice", a =>
        {
            a.DeniedProtocols = [SftpAccountLimits.ProtocolSsh]; // SSH denied: the web client still works
            a.PasswordExpirationDays = 0;
        });
        using (var browser = server.Browser())
        {
            await browser.SignInOkAsync("alice");
        }
        await ChangeAsync(server, "alice", a =>
        {
            a.PasswordExpirationDays = 1;
            a.PasswordChangedAt = DateTimeOffset.UtcNow.AddDays(-2);
        });
        using (var browser = server.Browser())
        using (var expired = await browser.SignInAsync("alice", WebClientTestServer.Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        }
    }

    [Fact]
    public async Task A_new_password_below_the_accounts_strength_is_refused_and_a_strong_one_is_stamped()
    {
        await using var server = await WebClientTestServer.StartAsync();
        await ChangeAsync(server, "alice", a => a.PasswordStrength = 60);
        using var browser = server.Browser();
        await browser.SignInOkAsync("alice");
        using (var weak = await browser.PostFormAsync("/web/client/profile/password", "/web/client/profile",
            ("current", WebClientTestServer.Password), ("new", "password123"), ("confirm", "password123")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            Assert.Contains("too weak", await weak.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Null((await server.Users.FindAsync("alice", Ct))!.PasswordChangedAt);
        using (var strong = await browser.PostFormAsync("/web/client/profile/password", "/web/client/profile",
            ("current", WebClientTestServer.Password), ("new", "x7#Kq!9vL2@m-strong"), ("confirm", "x7#Kq!9vL2@m-strong")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, strong.StatusCode);
        }
        Assert.NotNull((await server.Users.FindAsync("alice", Ct))!.PasswordChangedAt);
    }
}
