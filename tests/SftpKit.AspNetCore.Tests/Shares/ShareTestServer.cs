using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scalar.AspNetCore;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Shares;

namespace SftpKit.AspNetCore.Tests.Shares;

/// <summary>
/// A real SftpKit server with in-memory accounts (homes on disk), the admin API, the public share links at
/// <c>/web/client/pubshares</c> and the rendered API docs at <c>/api/docs</c>, on a real Kestrel at 127.0.0.1 with a
/// free port. Account <c>alice</c> (home with files, a read-only folder, no quota) and admin <c>root</c>.
/// </summary>
internal sealed partial class ShareTestServer : IAsyncDisposable
{
    public const string AdminPassword = "admin password 123";
    public const string Prefix = "/web/client/pubshares";

    private readonly WebApplication _app;

    private ShareTestServer(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
        BaseAddress = new Uri(app.Urls.First());
    }

    public string Directory { get; }

    public string Home => Path.Combine(Directory, "alice");

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public ShareService Shares => _app.Services.GetRequiredService<ShareService>();

    public ISftpShareStore Store => _app.Services.GetRequiredService<ISftpShareStore>();

    public static async Task<ShareTestServer> StartAsync(Action<SftpAccount>? account = null)
    {
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-shares-" + Guid.NewGuid().ToString("N")[..12]);
        string home = Path.Combine(directory, "alice");
        System.IO.Directory.CreateDirectory(Path.Combine(home, "docs", "deep"));
        System.IO.Directory.CreateDirectory(Path.Combine(home, "inbox"));
        System.IO.Directory.CreateDirectory(Path.Combine(home, "readonly"));
        await File.WriteAllTextAsync(Path.Combine(home, "docs", "a.txt"), "alpha file");
        await File.WriteAllBytesAsync(Path.Combine(home, "docs", "deep", "b.bin"), Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
        await File.WriteAllTextAsync(Path.Combine(home, "report.txt"), "0123456789abcdef");

        var alice = new SftpAccount
        {
            UserName = "alice",
            PasswordHash = SftpPasswordHasher.Hash("alice password"),
            HomeDirectory = home,
            Permissions = { ["/"] = ["*"], ["/readonly"] = ["list", "download"] },
        };
        account?.Invoke(alice);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = directory;
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            })
            .AddInMemoryUserStore(alice)
            .AddSftp();
        builder.Services.AddSftpAdmin();
        builder.Services.AddSftpAdminAuthentication();
        builder.Services.AddSftpShares();
        builder.Services.AddOpenApi(o => o.AddSftpAdminSecuritySchemes());
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSftpAdmin("/api/v2");
        app.MapSftpShares(Prefix);
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs");
        await app.Services.GetRequiredService<ISftpAdminStore>().CreateAsync(
            new SftpAdmin { UserName = "root", PasswordHash = SftpPasswordHasher.Hash(AdminPassword), Permissions = ["*"] }, CancellationToken.None);
        await app.StartAsync();
        return new ShareTestServer(app, directory);
    }

    /// <summary>A client that keeps cookies and follows no redirects (tests look at each answer).</summary>
    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    public async Task<SftpShare> CreateAsync(ShareDefinition definition)
    {
        var result = await Shares.CreateAsync("alice", definition, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
        return result.Share!;
    }

    public async Task<string> AdminTokenAsync()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("root:" + AdminPassword)));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }

    /// <summary>The antiforgery field's value in a page.</summary>
    public static string AntiforgeryToken(string html)
    {
        var match = TokenField().Match(html);
        Assert.True(match.Success, "The page has no antiforgery field.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + password)));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
