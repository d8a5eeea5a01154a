using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.AspNetCore.Authentication;

namespace SftpKit.AspNetCore.Tests;

/// <summary>
/// The admin API's login surfaces (<c>POST /token</c>, API keys) under attack: the per-address rate limit, scoring in
/// the server's defender, refusals before any credential is looked up, and other addresses left alone. Requests come
/// from real loopback sources (127.0.0.1 and 127.0.0.2 are both this machine), so the server sees two addresses.
/// </summary>
public sealed class AdminLoginThrottlingTests
{
    private const string Password = "admin password 123";
    private static readonly IPAddress s_attacker = IPAddress.Loopback;
    private static readonly IPAddress s_other = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Bad_basic_logins_from_one_address_end_in_429_while_another_address_gets_a_token()
    {
        // The default limit (10 attempts); the window is widened so a slow machine cannot cross its boundary.
        await using var server = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptWindow = TimeSpan.FromHours(1));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 30; i++)
        {
            using var response = await server.RequestTokenAsync(s_attacker, "root", "guess " + i);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var body = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
                Assert.Equal("Too many login attempts; try again later.", body["detail"]!.GetValue<string>());
                var retryAfter = response.Headers.RetryAfter?.Delta;
                Assert.NotNull(retryAfter);
                Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
                Assert.DoesNotContain("root", body.ToJsonString(), StringComparison.Ordinal);
            }
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 20)), statuses);
        // Only the ten admitted attempts reached the store (and so a password hash).
        Assert.Equal(10, server.Store.FindCalls);
        Assert.Equal(10, (await server.Defender.GetHostAsync(s_attacker))!.Score);

        using (var token = await server.RequestTokenAsync(s_other, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        }
        Assert.Null(await server.Defender.GetHostAsync(s_other));
        // The right password does not get the attacking address past its limit.
        using (var again = await server.RequestTokenAsync(s_attacker, "root", Password))
        {
            await again.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }
    }

    [Fact]
    public async Task A_banned_address_is_refused_before_any_password_check_until_its_ban_ends()
    {
        // Rate limit off: the defender alone decides. Unknown admins score 2, so the eighth attempt reaches 15.
        await using var server = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptLimit = 0);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 30; i++)
        {
            using var response = await server.RequestTokenAsync(s_attacker, "mallory", "guess " + i);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                var body = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
                Assert.Equal("Logins from this address are refused.", body["detail"]!.GetValue<string>());
            }
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 8).Concat(Enumerable.Repeat(HttpStatusCode.Forbidden, 22)), statuses);
        Assert.True(await server.Defender.IsBannedAsync(s_attacker));
        Assert.Equal(8, server.Store.FindCalls);

        // The right password from the banned address is refused without a look-up; another address logs in.
        using (var refused = await server.RequestTokenAsync(s_attacker, "root", Password))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(8, server.Store.FindCalls);
        using (var other = await server.RequestTokenAsync(s_other, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.True(await server.Defender.IsBannedAsync(s_attacker));

        // Each refused attempt extended the ban, as for SSH; once it has run out the address logs in again.
        var bannedUntil = (await server.Defender.GetHostAsync(s_attacker))!.BannedUntil!.Value;
        server.Clock.Advance(bannedUntil - server.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        using (var stillBanned = await server.RequestTokenAsync(s_attacker, "root", Password))
        {
            await stillBanned.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        bannedUntil = (await server.Defender.GetHostAsync(s_attacker))!.BannedUntil!.Value;
        server.Clock.Advance(bannedUntil - server.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        using (var free = await server.RequestTokenAsync(s_attacker, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        }
    }

    [Fact]
    public async Task Successful_logins_neither_reset_a_score_nor_add_one()
    {
        await using var server = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptLimit = 100);
        for (int i = 0; i < 3; i++)
        {
            using var response = await server.RequestTokenAsync(s_attacker, "root", "guess " + i);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using (var own = await server.RequestTokenAsync(s_attacker, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        using (var other = await server.RequestTokenAsync(s_other, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        Assert.Equal(3, (await server.Defender.GetHostAsync(s_attacker))!.Score);
        Assert.Null(await server.Defender.GetHostAsync(s_other));

        // 3 + 12 failures reach the threshold of 15: the success in between forgave nothing.
        for (int i = 0; i < 12; i++)
        {
            using var response = await server.RequestTokenAsync(s_attacker, "root", "guess " + i);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.True(await server.Defender.IsBannedAsync(s_attacker));
        Assert.False(await server.Defender.IsBannedAsync(s_other));
        using (var stillFine = await server.RequestTokenAsync(s_other, "root", Password))
        {
            Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
        }
    }

    [Fact]
    public async Task A_safe_listed_address_is_never_scored_or_banned()
    {
        await using var server = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptLimit = 0, defender: d => d.SafeList.Add("127.0.0.1"));
        for (int i = 0; i < 20; i++)
        {
            using var response = await server.RequestTokenAsync(s_attacker, "mallory", "guess " + i);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Null(await server.Defender.GetHostAsync(s_attacker));
        using var token = await server.RequestTokenAsync(s_attacker, "root", Password);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_from_a_trusted_proxy()
    {
        // Not behind a trusted proxy: a new X-Forwarded-For per attempt does not make a new client.
        await using (var direct = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptWindow = TimeSpan.FromHours(1)))
        {
            for (int i = 0; i < 10; i++)
            {
                using var response = await direct.RequestTokenAsync(s_attacker, "root", "guess", r => r.Headers.Add("X-Forwarded-For", "198.51.100." + (i + 1)));
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            }
            using (var limited = await direct.RequestTokenAsync(s_attacker, "root", "guess", r => r.Headers.Add("X-Forwarded-For", "198.51.100.99")))
            {
                await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            }
            var hosts = await direct.Defender.GetHostsAsync();
            Assert.Equal(new[] { s_attacker }, hosts.Select(h => h.Address));
        }

        // Behind a proxy on 127.0.0.1 that the host trusts: the client it names is limited and scored, and an address
        // the client puts in front of the proxy's own entry changes nothing (the proxy's entry is the rightmost).
        await using var proxied = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptWindow = TimeSpan.FromHours(1), trustLoopbackProxy: true);
        for (int i = 0; i < 10; i++)
        {
            using var response = await proxied.RequestTokenAsync(s_attacker, "root", "guess", r => r.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}, 198.51.100.7"));
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        using (var limited = await proxied.RequestTokenAsync(s_attacker, "root", "guess", r => r.Headers.Add("X-Forwarded-For", "198.51.100.7")))
        {
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }
        using (var neighbour = await proxied.RequestTokenAsync(s_attacker, "root", Password, r => r.Headers.Add("X-Forwarded-For", "198.51.100.8")))
        {
            Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        }
        Assert.Equal(10, (await proxied.Defender.GetHostAsync(IPAddress.Parse("198.51.100.7")))!.Score);
        Assert.Null(await proxied.Defender.GetHostAsync(s_attacker));
    }

    [Fact]
    public async Task Failed_api_keys_are_counted_and_scored_and_a_refused_address_cannot_use_one()
    {
        await using var server = await ThrottlingServer.StartAsync(admin: o => o.LoginAttemptWindow = TimeSpan.FromHours(1));
        const string id = "deploykey";
        const string secret = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";
        await server.Store.CreateApiKeyAsync(new SftpApiKey { Id = id, Name = "deploy", SecretHash = AdminAccess.HashSecret(secret), Admin = "ops" }, CancellationToken.None);

        // Successful keys spend no attempts.
        var trusted = IPAddress.Parse("127.0.0.3");
        for (int i = 0; i < 15; i++)
        {
            using var ok = await server.GetUsersAsync(trusted, id + "." + secret);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.Null(await server.Defender.GetHostAsync(trusted));

        for (int i = 0; i < 10; i++)
        {
            using var response = await server.GetUsersAsync(s_attacker, id + ".wrong" + i);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        Assert.Equal(10, (await server.Defender.GetHostAsync(s_attacker))!.Score);
        int lookups = server.Store.FindApiKeyCalls;
        using (var limited = await server.GetUsersAsync(s_attacker, id + "." + secret))
        {
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(lookups, server.Store.FindApiKeyCalls);
        using (var other = await server.GetUsersAsync(s_other, id + "." + secret))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // A banned address can use neither an API key nor the token endpoint, and nothing is looked up for it.
        await server.Defender.BanAsync(s_other, TimeSpan.FromMinutes(30));
        lookups = server.Store.FindApiKeyCalls;
        int finds = server.Store.FindCalls;
        using (var banned = await server.GetUsersAsync(s_other, id + "." + secret))
        {
            await banned.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var bannedToken = await server.RequestTokenAsync(s_other, "root", Password))
        {
            await bannedToken.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(lookups, server.Store.FindApiKeyCalls);
        Assert.Equal(finds, server.Store.FindCalls);
    }

    [Fact]
    public async Task Login_limits_are_checked_at_start_all_at_once()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSftpAdmin(o =>
        {
            o.LoginAttemptLimit = -1;
            o.LoginAttemptWindow = TimeSpan.Zero;
        });
        await using var app = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(error.Failures, f => f.Contains("SftpKit:Admin:LoginAttemptLimit", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SftpKit:Admin:LoginAttemptWindow", StringComparison.Ordinal));
        Assert.Equal(10, new SftpAdminOptions().LoginAttemptLimit);
        Assert.Equal(TimeSpan.FromMinutes(1), new SftpAdminOptions().LoginAttemptWindow);
    }

    [Theory]
    [InlineData("2001:db8::1", "2001:db8::")]
    [InlineData("2001:db8::ffff:1234:1", "2001:db8::")]
    [InlineData("2001:db8:0:1::1", "2001:db8:0:1::")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void Rate_limit_partitions_are_ipv4_addresses_and_ipv6_64_networks(string address, string partition) =>
        Assert.Equal(IPAddress.Parse(partition), AdminLoginGuard.PartitionKey(IPAddress.Parse(address)));

    /// <summary>
    /// An SftpKit server and the admin API with built-in authentication on Kestrel (127.0.0.1), the defender on a fake
    /// clock, and admins <c>root</c> (<c>*</c>) and <c>ops</c> (manage_users, API keys) in a store that counts look-ups.
    /// </summary>
    private sealed class ThrottlingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _directory;

        private ThrottlingServer(WebApplication app, string directory, FakeTimeProvider clock, CountingAdminStore store)
        {
            _app = app;
            _directory = directory;
            Clock = clock;
            Store = store;
            Defender = app.Services.GetRequiredService<ISftpDefender>();
            BaseAddress = new Uri(app.Urls.First());
        }

        public FakeTimeProvider Clock { get; }

        public CountingAdminStore Store { get; }

        public ISftpDefender Defender { get; }

        public Uri BaseAddress { get; }

        public static async Task<ThrottlingServer> StartAsync(Action<SftpAdminOptions>? admin = null, Action<SftpDefenderOptions>? defender = null, bool trustLoopbackProxy = false)
        {
            string directory = Path.Combine(Path.GetTempPath(), "sftpkit-throttle-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(directory);
            string hostKey = Path.Combine(directory, "host_ed25519");
            await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey);

            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var store = new CountingAdminStore();
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton<ISftpAdminStore>(store);
            builder.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyFiles.Add(hostKey);
                    o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                    defender?.Invoke(o.Defender);
                })
                .AddInMemoryUserStore()
                .AddSftp();
            builder.Services.AddSftpAdmin(o => admin?.Invoke(o));
            builder.Services.AddSftpAdminAuthentication();
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

            string hash = SftpPasswordHasher.Hash(Password);
            await store.CreateAsync(new SftpAdmin { UserName = "root", PasswordHash = hash, Permissions = ["*"] }, CancellationToken.None);
            await store.CreateAsync(new SftpAdmin { UserName = "ops", PasswordHash = hash, Permissions = [SftpAdminPermissions.ManageUsers], AllowApiKeyAuth = true }, CancellationToken.None);
            await app.StartAsync();
            return new ThrottlingServer(app, directory, clock, store);
        }

        /// <summary><c>POST /api/v2/token</c> with HTTP Basic, sent from <paramref name="source"/>.</summary>
        public async Task<HttpResponseMessage> RequestTokenAsync(IPAddress source, string admin, string password, Action<HttpRequestMessage>? configure = null)
        {
            using var client = Client(source);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/token");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(admin + ":" + password)));
            configure?.Invoke(request);
            return await client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        /// <summary><c>GET /api/v2/users</c> with an API key, sent from <paramref name="source"/>.</summary>
        public async Task<HttpResponseMessage> GetUsersAsync(IPAddress source, string apiKey)
        {
            using var client = Client(source);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/users");
            request.Headers.Add("X-SFTPKIT-API-KEY", apiKey);
            return await client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        /// <summary>A client whose connections leave from <paramref name="source"/> (any 127.x.y.z reaches the loopback listener).</summary>
        private HttpClient Client(IPAddress source)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(source, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
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

    /// <summary>An in-memory admin store that counts look-ups: a login refused before its credentials makes none.</summary>
    private sealed class CountingAdminStore : ISftpAdminStore
    {
        private readonly InMemorySftpAdminStore _inner = new();
        private int _findCalls;
        private int _findApiKeyCalls;

        public int FindCalls => Volatile.Read(ref _findCalls);

        public int FindApiKeyCalls => Volatile.Read(ref _findApiKeyCalls);

        public ValueTask<SftpAdmin?> FindAsync(string userName, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _findCalls);
            return _inner.FindAsync(userName, cancellationToken);
        }

        public ValueTask<SftpApiKey?> FindApiKeyAsync(string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _findApiKeyCalls);
            return _inner.FindApiKeyAsync(id, cancellationToken);
        }

        public IAsyncEnumerable<SftpAdmin> ListAsync(CancellationToken cancellationToken) => _inner.ListAsync(cancellationToken);

        public ValueTask CreateAsync(SftpAdmin admin, CancellationToken cancellationToken) => _inner.CreateAsync(admin, cancellationToken);

        public ValueTask<bool> UpdateAsync(SftpAdmin admin, CancellationToken cancellationToken) => _inner.UpdateAsync(admin, cancellationToken);

        public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) => _inner.DeleteAsync(userName, cancellationToken);

        public IAsyncEnumerable<SftpApiKey> ListApiKeysAsync(CancellationToken cancellationToken) => _inner.ListApiKeysAsync(cancellationToken);

        public ValueTask CreateApiKeyAsync(SftpApiKey key, CancellationToken cancellationToken) => _inner.CreateApiKeyAsync(key, cancellationToken);

        public ValueTask<bool> DeleteApiKeyAsync(string id, CancellationToken cancellationToken) => _inner.DeleteApiKeyAsync(id, cancellationToken);
    }
}
