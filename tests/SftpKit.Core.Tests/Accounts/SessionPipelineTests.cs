using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Policies;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// The one session pipeline: whatever authenticated a login — a host's own <see cref="ISshAuthenticator"/>, the
/// built-in in-memory users — its sessions get the server-wide policies and the event handlers, and an account the
/// authenticator attaches brings its permissions and quota, exactly as logins through an account store do.
/// </summary>
public sealed class SessionPipelineTests : IAsyncDisposable
{
    private const string Password = "pipeline password";
    private const long LimitKiB = 256;
    private readonly string _root = Directory.CreateTempSubdirectory("sftpkit-pipeline-").FullName;
    private readonly RecordingHandler _events = new();
    private IHost? _host;

    private string Home => Path.Combine(_root, "home");

    /// <summary>A host's own authenticator: a password check, then a principal with a home directory and an account.</summary>
    private sealed record HomeLocation(string Path);

    private sealed class HostAuthenticator(HomeLocation location) : ISshAuthenticator
    {
        private readonly string home = location.Path;

        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
        {
            if (context.UserName != "carol" || password != Password)
            {
                return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
            }
            var account = new SftpAccount
            {
                UserName = "carol",
                HomeDirectory = home,
                QuotaSize = 300_000,
                Permissions = { ["/"] = ["*"], ["/readonly"] = ["list", "download"] },
            };
            return ValueTask.FromResult(SshAuthResult.Success(new SshPrincipal("carol", home).SetFeature(account)));
        }

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
    }

    /// <summary>Vetoes the pre-login event of one user.</summary>
    private sealed class LoginVeto(string userName) : ISftpEventHandler
    {
        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken) =>
            ValueTask.FromResult(sftpEvent.Kind == SftpEventKind.Login && sftpEvent.UserName == userName
                ? SftpEventDecision.Deny("not today")
                : SftpEventDecision.Allow);
    }

    /// <summary>A host authenticator that accepts any password and attaches a disabled account.</summary>
    private sealed class DisabledAccountAuthenticator : ISshAuthenticator
    {
        public int Calls;

        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            var account = new SftpAccount { UserName = context.UserName, HomeDirectory = Path.GetTempPath(), Enabled = false };
            return ValueTask.FromResult(SshAuthResult.Success(new SshPrincipal(context.UserName, Path.GetTempPath()).SetFeature(account)));
        }

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
    }

    /// <summary>Keeps the first Upload post-event (also used by <see cref="SessionPipelineOpenSshTests"/>).</summary>
    internal sealed class RecordingHandler : ISftpEventHandler
    {
        private readonly TaskCompletionSource<SftpEvent> _upload = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<SftpEvent> Upload => _upload.Task;

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            if (sftpEvent.Kind == SftpEventKind.Upload)
            {
                _upload.TrySetResult(sftpEvent);
            }
            return ValueTask.CompletedTask;
        }
    }

    private async Task<int> StartAsync(Action<ISftpServerBuilder> configure)
    {
        Directory.CreateDirectory(Home);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyDirectory = Path.Combine(_root, "keys");
            })
            .AddSftp()
            .ConfigurePolicies(p => p.MaxUploadBandwidth = LimitKiB)
            .AddEventHandler(_events);
        configure(server);
        _host = builder.Build();
        await _host.StartAsync();
        return ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
    }

    private static async Task<SftpClient> ConnectAsync(int port, string user)
    {
        var client = new SftpClient("127.0.0.1", port, user, Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        await client.ConnectAsync(CancellationToken.None);
        return client;
    }

    /// <summary>An upload of <paramref name="size"/> bytes must take at least what the server-wide limit allows.</summary>
    private static async Task UploadThrottledAsync(SftpClient client, string path, int size)
    {
        byte[] content = RandomNumberGenerator.GetBytes(size);
        var clock = Stopwatch.StartNew();
        await client.UploadFileAsync(new MemoryStream(content), path, CancellationToken.None);
        clock.Stop();
        // Token bucket: a burst of at most max(32 KiB, rate/8) passes at once, the rest at the rate; 20 % slack.
        double burst = Math.Max(32 * 1024, LimitKiB * 1024 / 8.0);
        double floor = (size - burst) / (LimitKiB * 1024) * 0.8;
        Assert.True(clock.Elapsed.TotalSeconds >= floor, $"{size} bytes in {clock.Elapsed.TotalSeconds:0.00} s, under the limit's {floor:0.00} s");
    }

    [Fact]
    public async Task A_host_authenticator_gets_its_accounts_quota_and_permissions_plus_server_policies_and_events()
    {
        int port = await StartAsync(s =>
        {
            s.Services.AddSingleton(new HomeLocation(Home));
            s.AddAuthenticator<HostAuthenticator>();
        });
        using var client = await ConnectAsync(port, "carol");

        await UploadThrottledAsync(client, "/first.bin", 200_000);
        var upload = await _events.Upload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("carol", upload.UserName);
        Assert.Equal("/first.bin", upload.Path);
        Assert.Equal(200_000, upload.Size);

        // The account's quota (300,000 bytes) refuses the second file, and nothing of it stays.
        var quota = await Assert.ThrowsAnyAsync<SshException>(() =>
            client.UploadFileAsync(new MemoryStream(new byte[200_000]), "/second.bin", CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Home, "second.bin")), quota.Message);

        // Its read-only folder refuses writes.
        Directory.CreateDirectory(Path.Combine(Home, "readonly"));
        await Assert.ThrowsAsync<SftpPermissionDeniedException>(() =>
            client.UploadFileAsync(new MemoryStream(new byte[10]), "/readonly/x.bin", CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Home, "readonly", "x.bin")));
    }

    [Fact]
    public async Task In_memory_users_get_the_server_policies_and_events()
    {
        int port = await StartAsync(s => s.AddInMemoryUsers(new SshUser { UserName = "dave", Password = Password, HomeDirectory = Home }));
        using var client = await ConnectAsync(port, "dave");

        await UploadThrottledAsync(client, "/in-memory.bin", 200_000);
        var upload = await _events.Upload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("dave", upload.UserName);
        Assert.Equal("/in-memory.bin", upload.Path);
        Assert.True(File.Exists(Path.Combine(Home, "in-memory.bin")));
    }

    [Fact]
    public async Task The_pre_login_event_can_refuse_an_in_memory_user()
    {
        int port = await StartAsync(s => s
            .AddInMemoryUsers(
                new SshUser { UserName = "dave", Password = Password, HomeDirectory = Home },
                new SshUser { UserName = "erin", Password = Password, HomeDirectory = Home })
            .AddEventHandler(new LoginVeto("dave")));
        await Assert.ThrowsAsync<SshAuthenticationException>(() => ConnectAsync(port, "dave"));
        using var erin = await ConnectAsync(port, "erin");
        Assert.True(erin.IsConnected);
    }

    [Fact]
    public async Task A_disabled_account_from_a_host_authenticator_cannot_log_in()
    {
        var authenticator = new DisabledAccountAuthenticator();
        int port = await StartAsync(s => s.Services.AddSingleton<ISshAuthenticator>(authenticator));
        await Assert.ThrowsAsync<SshAuthenticationException>(() => ConnectAsync(port, "frank"));
        Assert.True(authenticator.Calls > 0, "the authenticator accepted the credentials; the account rules refused the login");
    }

    [Fact]
    public async Task The_test_host_gets_the_users_account_rules_plus_server_policies_and_events()
    {
        var user = new SftpKit.Testing.SftpTestUser("gina", Password)
        {
            Account = new SftpAccount { QuotaSize = 300_000, Permissions = { ["/"] = ["*"], ["/readonly"] = ["list", "download"] } },
        };
        await user.FileSystem.CreateDirectoryAsync("/readonly", CancellationToken.None);
        await using var host = await SftpKit.Testing.SftpTestHost.StartAsync([user], configureServer: s => s
            .ConfigurePolicies(p => p.MaxUploadBandwidth = LimitKiB)
            .AddEventHandler(_events));
        using var client = await ConnectAsync(host.Port, "gina");

        await UploadThrottledAsync(client, "/first.bin", 200_000);
        var upload = await _events.Upload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("gina", upload.UserName);
        Assert.Equal("/first.bin", upload.Path);

        await Assert.ThrowsAnyAsync<SshException>(() =>
            client.UploadFileAsync(new MemoryStream(new byte[200_000]), "/second.bin", CancellationToken.None));
        await Assert.ThrowsAsync<SftpPermissionDeniedException>(() =>
            client.UploadFileAsync(new MemoryStream(new byte[10]), "/readonly/x.bin", CancellationToken.None));
        var names = new List<string>();
        await foreach (var entry in user.FileSystem.ListAsync("/", CancellationToken.None))
        {
            names.Add(entry.Name);
        }
        Assert.Equal(["first.bin", "readonly"], names.Order(StringComparer.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        Directory.Delete(_root, recursive: true);
    }
}
