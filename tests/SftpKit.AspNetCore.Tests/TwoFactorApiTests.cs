using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Tests.Web;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// Two-factor authentication and personal access tokens over the admin API and the web sign-in pages, with oathtool
/// (Debian) computing the codes; the credentials use the real clock.
/// </summary>
public sealed partial class TwoFactorApiTests
{
    private const string Secret = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA";

    internal static async Task<string> OathtoolAsync(string secret, string? when = null)
    {
        string tool = SftpKit.Tests.Requires.Tool("oathtool", "apt-get install oathtool");
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in when is null ? ["--totp", "-b", secret] : new[] { "--totp", "-b", secret, "-N", when })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient client, string path, JsonNode body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<int> ScoreAsync(AdminTestServer server) =>
        (await server.Services.GetRequiredService<ISftpDefender>().GetHostAsync(IPAddress.Loopback))?.Score ?? 0;

    [Fact]
    public async Task An_admin_enrols_through_the_api_and_then_needs_the_code_for_a_token()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var client = server.Client(await server.TokenAsync("root"));
        var generated = await PostJsonAsync(client, "/api/v2/admin/totp/generate", new JsonObject { ["config_name"] = "Default" });
        string secret = generated["secret"]!.GetValue<string>();
        byte[] png = Convert.FromBase64String(generated["qr_code"]!.GetValue<string>());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal("SftpKit", generated["issuer"]!.GetValue<string>());

        // Saving an unproven secret is refused; a validated one is saved.
        await PostJsonAsync(client, "/api/v2/admin/totp/save",
            new JsonObject { ["enabled"] = true, ["config_name"] = "Default", ["secret"] = new JsonObject { ["status"] = "Plain", ["payload"] = secret } },
            HttpStatusCode.BadRequest);
        await PostJsonAsync(client, "/api/v2/admin/totp/validate",
            new JsonObject { ["config_name"] = "Default", ["secret"] = secret, ["passcode"] = await OathtoolAsync(secret) });
        await PostJsonAsync(client, "/api/v2/admin/totp/save",
            new JsonObject { ["enabled"] = true, ["config_name"] = "Default", ["secret"] = new JsonObject { ["status"] = "Plain", ["payload"] = secret } });
        var codes = (await PostJsonAsync(client, "/api/v2/admin/2fa/recoverycodes", new JsonObject())).AsArray();
        Assert.Equal(10, codes.Count);

        using (var noCode = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noCode.StatusCode);
        }
        int before = await ScoreAsync(server);
        using (var wrong = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword, r => r.Headers.Add("X-SFTPKIT-OTP", "000000")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.True(await ScoreAsync(server) > before);
        // The current step was spent by the validation: the next one (within the ±1 step window) is fresh.
        string next = await OathtoolAsync(secret, "now + 30 seconds");
        using (var right = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword, r => r.Headers.Add("X-SFTPGO-OTP", next)))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
        using (var replay = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword, r => r.Headers.Add("X-SFTPKIT-OTP", next)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        }
        string recovery = codes[0]!.GetValue<string>();
        using (var viaRecovery = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword, r => r.Headers.Add("X-SFTPKIT-OTP", recovery)))
        {
            Assert.Equal(HttpStatusCode.OK, viaRecovery.StatusCode);
        }
        var listed = JsonNode.Parse(await client.GetStringAsync("/api/v2/admin/2fa/recoverycodes"))!.AsArray();
        Assert.Equal(1, listed.Count(c => c!["used"]!.GetValue<bool>()));

        // Another admin with manage_admins turns it off.
        using (var off = await client.PutAsync("/api/v2/admins/root/2fa/disable", null))
        {
            Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        }
        using var plain = await server.RequestTokenAsync("root", AdminTestServer.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    [Fact]
    public async Task Admin_tokens_stand_in_for_the_password_and_code_where_their_scope_allows()
    {
        await using var server = await AdminTestServer.StartAsync();
        await server.Services.GetRequiredService<SftpCredentials>().Store.SetTotpAsync(
            new SftpTotpConfig { OwnerKind = SftpCredentialOwnerKind.Admin, OwnerName = "ops", Secret = Secret }, CancellationToken.None);
        using var root = server.Client(await server.TokenAsync("root"));
        // ops has 2FA: its own API session needs the code.
        using var opsLogin = await server.RequestTokenAsync("ops", AdminTestServer.AdminPassword, r => r.Headers.Add("X-SFTPKIT-OTP", "")); // empty header
        Assert.Equal(HttpStatusCode.Unauthorized, opsLogin.StatusCode);

        var created = await PostJsonAsync(root, "/api/v2/admin/tokens", new JsonObject { ["name"] = "ci", ["scopes"] = new JsonArray("api") }, HttpStatusCode.Created);
        string token = created["token"]!.GetValue<string>();
        Assert.StartsWith("sftpkit_", token, StringComparison.Ordinal);
        using (var withToken = await server.RequestTokenAsync("root", token))
        {
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        }
        var webOnly = await PostJsonAsync(root, "/api/v2/admin/tokens", new JsonObject { ["name"] = "web", ["scopes"] = new JsonArray("web") }, HttpStatusCode.Created);
        using (var wrongScope = await server.RequestTokenAsync("root", webOnly["token"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongScope.StatusCode);
        }
        var list = JsonNode.Parse(await root.GetStringAsync("/api/v2/admin/tokens"))!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.All(list, t => Assert.Null(t!["token"]));
        using (var revoke = await root.DeleteAsync("/api/v2/admin/tokens/" + created["id"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using var revoked = await server.RequestTokenAsync("root", token);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
    }

    [Fact]
    public async Task An_account_token_made_through_the_api_logs_in_over_sftp_until_revoked()
    {
        await using var server = await AdminTestServer.StartAsync();
        using var root = server.Client(await server.TokenAsync("root"));
        using (var create = await root.PostAsJsonAsync("/api/v2/users", server.NewAccount("carol")))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }
        await PostJsonAsync(root, "/api/v2/users/carol/tokens", new JsonObject { ["name"] = "bad", ["scopes"] = new JsonArray("api") }, HttpStatusCode.BadRequest);
        var created = await PostJsonAsync(root, "/api/v2/users/carol/tokens",
            new JsonObject { ["name"] = "backup job", ["scopes"] = new JsonArray("ssh"), ["expires_at"] = DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeMilliseconds() },
            HttpStatusCode.Created);
        string token = created["token"]!.GetValue<string>();
        using (var sftp = server.SftpClient("carol", token))
        {
            sftp.Connect();
            Assert.Equal("/", sftp.WorkingDirectory);
        }
        using (var revoke = await root.DeleteAsync("/api/v2/users/carol/tokens/" + created["id"]!.GetValue<string>()))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        using var refused = server.SftpClient("carol", token);
        Assert.ThrowsAny<Renci.SshNet.Common.SshAuthenticationException>(() => refused.Connect());
    }

    [Fact]
    public async Task The_web_client_sign_in_asks_for_the_code_after_the_password()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.Users.CreateAsync(new SftpAccount
        {
            UserName = "dave", PasswordHash = SftpPasswordHasher.Hash(AdminTestServer.UserPassword), HomeDirectory = Path.Combine(server.Directory, "homes", "dave"),
        }, CancellationToken.None);
        await server.Services.GetRequiredService<SftpCredentials>().Store.SetTotpAsync(
            new SftpTotpConfig { OwnerName = "dave", Secret = Secret, Protocols = [SftpTotpProtocols.Http] }, CancellationToken.None);
        using var browser = new WebFormClient(server.BaseAddress);
        const string Client = WebTestServer.ClientPath;
        using var login = await browser.PostFormAsync(Client + "/login", Client + "/login",
            new Dictionary<string, string> { ["username"] = "dave", ["password"] = AdminTestServer.UserPassword });
        string page = await login.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        string ticket = Ticket().Match(page).Groups[1].Value;
        Assert.NotEmpty(ticket);
        // No session yet.
        using (var files = await browser.Http.GetAsync(Client + "/files"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, files.StatusCode);
        }
        int before = await ScoreAsync(server);
        using (var wrong = await browser.PostFormAsync(Client + "/login", Client + "/login/code",
            new Dictionary<string, string> { ["ticket"] = ticket, ["code"] = "000000" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        Assert.True(await ScoreAsync(server) > before);
        using (var right = await browser.PostFormAsync(Client + "/login", Client + "/login/code",
            new Dictionary<string, string> { ["ticket"] = ticket, ["code"] = await OathtoolAsync(Secret) }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        }
        using var after = await browser.Http.GetAsync(Client + "/files");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task The_webadmin_sign_in_asks_for_the_code_and_the_web_client_enrols_with_a_qr_code()
    {
        await using var server = await WebTestServer.StartAsync();
        var credentials = server.Services.GetRequiredService<SftpCredentials>();
        await credentials.Store.SetTotpAsync(new SftpTotpConfig { OwnerKind = SftpCredentialOwnerKind.Admin, OwnerName = "ops", Secret = Secret }, CancellationToken.None);
        const string Admin = WebTestServer.AdminPath;
        using (var admin = new WebFormClient(server.BaseAddress))
        {
            using var login = await admin.PostFormAsync(Admin + "/login", Admin + "/login",
                new Dictionary<string, string> { ["username"] = "ops", ["password"] = AdminTestServer.AdminPassword });
            string ticket = Ticket().Match(await login.Content.ReadAsStringAsync()).Groups[1].Value;
            Assert.NotEmpty(ticket);
            using var code = await admin.PostFormAsync(Admin + "/login", Admin + "/login/code",
                new Dictionary<string, string> { ["ticket"] = ticket, ["code"] = await OathtoolAsync(Secret) });
            Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
            using var profile = await admin.Http.GetAsync(Admin + "/profile");
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
            Assert.Contains("is <strong>on</strong>", await profile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An account holder turns two-factor authentication on from the security page.
        await server.Users.CreateAsync(new SftpAccount
        {
            UserName = "erin", PasswordHash = SftpPasswordHasher.Hash(AdminTestServer.UserPassword), HomeDirectory = Path.Combine(server.Directory, "homes", "erin"),
        }, CancellationToken.None);
        const string Client = WebTestServer.ClientPath;
        using var browser = new WebFormClient(server.BaseAddress);
        using (var login = await browser.PostFormAsync(Client + "/login", Client + "/login",
            new Dictionary<string, string> { ["username"] = "erin", ["password"] = AdminTestServer.UserPassword }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        }
        using var start = await browser.PostFormAsync(Client + "/security", Client + "/security/totp-start", new Dictionary<string, string>());
        string startPage = await start.Content.ReadAsStringAsync();
        Assert.Contains("src=\"data:image/png;base64,", startPage, StringComparison.Ordinal);
        string secret = SecretField().Match(startPage).Groups[1].Value;
        using var enable = await browser.PostFormAsync(Client + "/security", Client + "/security/totp-enable", new Dictionary<string, string>
        {
            ["secret"] = secret, ["code"] = await OathtoolAsync(secret), ["protocol-ssh"] = "on",
        });
        string enabled = await enable.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        Assert.Equal(10, Regex.Count(enabled, "<li><code>[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}</code></li>"));
        var stored = await credentials.GetTotpAsync(SftpCredentialOwner.User("erin"));
        Assert.Equal(["SSH"], stored!.Protocols);
    }

    [GeneratedRegex("name=\"ticket\" value=\"([^\"]+)\"")]
    private static partial Regex Ticket();

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex SecretField();
}
