using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// A real SftpKit server (accounts in an <see cref="InMemoryUserStore"/>, homes on disk) and the admin API on a real
/// Kestrel, both on 127.0.0.1 with free ports, in this process. Seeded admins: <c>root</c> (<c>*</c>), <c>viewer</c>
/// (view_connections), <c>ops</c> (manage_users, API keys allowed) and <c>netadmin</c> (* from 192.0.2.0/24 only),
/// all with <see cref="AdminPassword"/>.
/// </summary>
public sealed class AdminTestServer : IAsyncDisposable
{
    public const string AdminPassword = "admin password 123";
    public const string UserPassword = "user password 456";

    private readonly WebApplication _app;

    private AdminTestServer(WebApplication app, string directory, FakeTimeProvider clock, string hostKeyFingerprint)
    {
        _app = app;
        Directory = directory;
        Clock = clock;
        HostKeyFingerprint = hostKeyFingerprint;
        BaseAddress = new Uri(app.Urls.First());
        SftpPort = ((IPEndPoint)app.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
    }

    public string Directory { get; }

    /// <summary>The admin authentication's clock (tokens, API keys); starts at the real time, moves only when advanced.</summary>
    public FakeTimeProvider Clock { get; }

    public Uri BaseAddress { get; }

    public int SftpPort { get; }

    public string HostKeyFingerprint { get; }

    public IServiceProvider Services => _app.Services;

    public InMemoryUserStore Users => _app.Services.GetRequiredService<InMemoryUserStore>();

    /// <param name="trustLoopbackProxy">Honour X-Forwarded-For from 127.0.0.1.</param>
    /// <param name="adminOptions">Changes to the admin API's options.</param>
    /// <param name="services">More registrations (the web pages' <c>AddSftpWeb...</c>), after the admin API's.</param>
    /// <param name="endpoints">More endpoints (the web pages' <c>MapSftpWeb...</c>), after the admin API's.</param>
    /// <param name="seedAdmins">False starts with an empty admin store (the first-start setup page).</param>
    public static async Task<AdminTestServer> StartAsync(bool trustLoopbackProxy = false, Action<SftpAdminOptions>? adminOptions = null,
        Action<IServiceCollection>? services = null, Action<WebApplication>? endpoints = null, bool seedAdmins = true)
    {
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-admin-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        string hostKey = Path.Combine(directory, "host_ed25519");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey);
        string fingerprint = Fingerprint(await File.ReadAllTextAsync(hostKey + ".pub"));

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
            })
            .AddInMemoryUserStore()
            .AddSftp();
        builder.Services.AddSftpAdmin(o => adminOptions?.Invoke(o));
        builder.Services.AddSftpAdminAuthentication(o => o.TimeProvider = clock);
        builder.Services.AddHealthChecks().AddSftpServerCheck();
        builder.Services.AddOpenApi();
        services?.Invoke(builder.Services);
        if (trustLoopbackProxy)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                o.KnownIPNetworks.Clear();
                o.KnownProxies.Clear();
                o.KnownProxies.Add(IPAddress.Loopback);
            });
        }
        var app = builder.Build();
        if (trustLoopbackProxy)
        {
            app.UseForwardedHeaders();
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSftpAdmin("/api/v2");
        app.MapHealthChecks("/healthz");
        app.MapOpenApi();
        endpoints?.Invoke(app);

        var admins = app.Services.GetRequiredService<ISftpAdminStore>();
        if (!seedAdmins)
        {
            await app.StartAsync();
            return new AdminTestServer(app, directory, clock, fingerprint);
        }
        string hash = SftpPasswordHasher.Hash(AdminPassword);
        await admins.CreateAsync(new SftpAdmin { UserName = "root", PasswordHash = hash, Permissions = ["*"] }, CancellationToken.None);
        await admins.CreateAsync(new SftpAdmin { UserName = "viewer", PasswordHash = hash, Permissions = [SftpAdminPermissions.ViewConnections] }, CancellationToken.None);
        await admins.CreateAsync(new SftpAdmin { UserName = "ops", PasswordHash = hash, Permissions = [SftpAdminPermissions.ManageUsers], AllowApiKeyAuth = true }, CancellationToken.None);
        await admins.CreateAsync(new SftpAdmin { UserName = "netadmin", PasswordHash = hash, Permissions = ["*"], AllowedNetworks = ["192.0.2.0/24"] }, CancellationToken.None);

        await app.StartAsync();
        return new AdminTestServer(app, directory, clock, fingerprint);
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string admin, string password, Action<HttpRequestMessage>? configure = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(admin + ":" + password)));
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public async Task<string> TokenAsync(string admin = "root")
    {
        using var response = await RequestTokenAsync(admin, AdminPassword);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["access_token"]!.GetValue<string>();
    }

    /// <summary>An account body for the API with a fresh home directory under <see cref="Directory"/>.</summary>
    public JsonObject NewAccount(string userName) => new()
    {
        ["userName"] = userName,
        ["password"] = UserPassword,
        ["homeDirectory"] = Path.Combine(Directory, "homes", userName),
    };

    public SftpClient SftpClient(string userName, string password = UserPassword)
    {
        var client = new SftpClient("127.0.0.1", SftpPort, userName, password);
        client.HostKeyReceived += (_, e) => e.CanTrust = e.FingerPrintSHA256 == HostKeyFingerprint;
        client.OperationTimeout = TimeSpan.FromSeconds(30);
        return client;
    }

    /// <summary>Polls <paramref name="condition"/> every 50 ms, at most 400 times.</summary>
    public static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 400; i++)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return false;
    }

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

    private static string Fingerprint(string publicKeyLine)
    {
        byte[] blob = Convert.FromBase64String(publicKeyLine.Split(' ')[1]);
        return Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
    }
}
