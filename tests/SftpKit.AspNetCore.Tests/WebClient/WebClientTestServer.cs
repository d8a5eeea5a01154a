using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events;

namespace SftpKit.AspNetCore.Tests.WebClient;

/// <summary>
/// A real SftpKit server (accounts in an <see cref="InMemoryUserStore"/>, homes on disk under <see cref="Directory"/>)
/// with the web client mapped at <c>/web/client</c> on a real Kestrel, both on 127.0.0.1 with free ports. Accounts:
/// <c>alice</c> (every permission) and <c>reader</c> (list and download only), both with <see cref="Password"/>.
/// Every file event is recorded in <see cref="Events"/>. With <c>shares</c>, share links too (at <c>/web/client/pubshares</c>).
/// </summary>
public sealed class WebClientTestServer : IAsyncDisposable
{
    public const string Password = "web client password 789";

    private readonly WebApplication _app;

    private WebClientTestServer(WebApplication app, string directory, RecordingHandler events)
    {
        _app = app;
        Directory = directory;
        _events = events;
        BaseAddress = new Uri(app.Urls.First());
    }

    private readonly RecordingHandler _events;

    public string Directory { get; }

    /// <summary>The server's log so far.</summary>
    public CapturingLoggerProvider Log { get; private init; } = new();

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public InMemoryUserStore Users => _app.Services.GetRequiredService<InMemoryUserStore>();

    /// <summary>Post-events raised so far.</summary>
    public IReadOnlyCollection<SftpEvent> Events => _events.Events;

    /// <summary>Pre-events raised so far (logins among them).</summary>
    public IReadOnlyCollection<SftpEvent> PreEvents => _events.PreEvents;

    public string Home(string user) => Path.Combine(Directory, "homes", user);

    public static async Task<WebClientTestServer> StartAsync(Action<SftpKit.AspNetCore.WebClient.SftpWebClientOptions>? options = null,
        Action<SftpServerOptions>? serverOptions = null, bool shares = false)
    {
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-webclient-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var events = new RecordingHandler();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.ClearProviders();
        var log = new CapturingLoggerProvider();
        builder.Logging.AddProvider(log);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = Path.Combine(directory, "keys");
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
                serverOptions?.Invoke(o);
            })
            .AddInMemoryUserStore()
            .AddSftp()
            .AddEventHandler(events);
        builder.Services.AddSftpWebClient(o => options?.Invoke(o));
        if (shares)
        {
            builder.Services.AddSftpShares();
        }
        var app = builder.Build();
        app.MapSftpWebClient("/web/client");
        if (shares)
        {
            app.MapSftpShares("/web/client/pubshares");
        }
        await app.StartAsync();
        var server = new WebClientTestServer(app, directory, events) { Log = log };
        string hash = SftpPasswordHasher.Hash(Password);
        foreach (string user in new[] { "alice", "reader" })
        {
            System.IO.Directory.CreateDirectory(server.Home(user));
        }
        await server.Users.CreateAsync(new SftpAccount { UserName = "alice", PasswordHash = hash, HomeDirectory = server.Home("alice") }, CancellationToken.None);
        await server.Users.CreateAsync(new SftpAccount
        {
            UserName = "reader",
            PasswordHash = hash,
            HomeDirectory = server.Home("reader"),
            Permissions = new Dictionary<string, IList<string>>(StringComparer.Ordinal) { ["/"] = ["list", "download"] },
        }, CancellationToken.None);
        return server;
    }

    /// <summary>A browser-like client of the web client: its own cookies, no automatic redirects.</summary>
    public WebClientBrowser Browser() => new(BaseAddress);

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

    private sealed class RecordingHandler : ISftpEventHandler
    {
        private readonly ConcurrentQueue<SftpEvent> _events = new();

        private readonly ConcurrentQueue<SftpEvent> _pre = new();

        public IReadOnlyCollection<SftpEvent> Events => _events;

        public IReadOnlyCollection<SftpEvent> PreEvents => _pre;

        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            _pre.Enqueue(sftpEvent);
            return ValueTask.FromResult(SftpEventDecision.Allow);
        }

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            _events.Enqueue(sftpEvent);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>An HTTP client that behaves like a browser towards the web client: cookies kept, forms posted with their token.</summary>
public sealed partial class WebClientBrowser : IDisposable
{
    private readonly HttpClient _client;

    public WebClientBrowser(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(10),
        };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _client;

    /// <summary>The antiforgery token of the page at <paramref name="url"/> (its first form's).</summary>
    public async Task<string> TokenAsync(string url)
    {
        string page = await _client.GetStringAsync(url);
        var match = TokenPattern().Match(page);
        Assert.True(match.Success, "no antiforgery token on " + url);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public async Task<HttpResponseMessage> PostFormAsync(string url, string tokenFrom, params (string Name, string Value)[] fields)
    {
        var values = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", await TokenAsync(tokenFrom)) };
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await _client.PostAsync(url, new FormUrlEncodedContent(values));
    }

    public async Task<HttpResponseMessage> SignInAsync(string user, string password) =>
        await PostFormAsync("/web/client/login", "/web/client/login", ("username", user), ("password", password));

    public async Task SignInOkAsync(string user, string password = WebClientTestServer.Password)
    {
        using var response = await SignInAsync(user, password);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    /// <summary>Uploads files into <paramref name="directory"/> as the upload form does (token first, then the files).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string directory, params (string Name, HttpContent Content)[] files)
    {
        string token = await TokenAsync("/web/client/files?path=" + Uri.EscapeDataString(directory));
        var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" } };
        foreach (var (name, content) in files)
        {
            form.Add(content, "files", name);
        }
        return await _client.PostAsync("/web/client/upload?path=" + Uri.EscapeDataString(directory), form);
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
