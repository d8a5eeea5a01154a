using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// The one session pipeline seen from the stock OpenSSH <c>sftp</c> client (batch mode, public-key login): whatever
/// authenticated the login — a host's own <see cref="ISshAuthenticator"/>, the built-in in-memory users, the test host's
/// account store — an upload is throttled by the server-wide bandwidth policy and raises the Upload event, and the
/// account the login brings (where the model has one) refuses what its quota and permissions refuse.
/// </summary>
public sealed class SessionPipelineOpenSshTests : IAsyncDisposable
{
    private const long LimitKiB = 256;
    private const int FileSize = 200_000;
    private const long Quota = 300_000;
    private readonly string _root = Directory.CreateTempSubdirectory("sftpkit-pipeline-openssh-").FullName;
    private readonly SessionPipelineTests.RecordingHandler _events = new();
    private IHost? _host;

    private string Home => Path.Combine(_root, "home");

    private string ClientKey => Path.Combine(_root, "client_ed25519");

    private string KnownHostsFile => Path.Combine(_root, "known_hosts");

    private string Local(string name) => Path.Combine(_root, "local", name);

    /// <summary>A host's own authenticator: one user's key, then a principal with a home directory and an account.</summary>
    private sealed record ClientIdentity(string Home, SshPublicKey Key);

    private sealed class HostKeyAuthenticator(ClientIdentity identity) : ISshAuthenticator
    {
        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
        {
            if (context.UserName != "carol" || !key.Equals(identity.Key))
            {
                return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.InvalidCredentials));
            }
            var account = new SftpAccount
            {
                UserName = "carol",
                HomeDirectory = identity.Home,
                QuotaSize = Quota,
                Permissions = { ["/"] = ["*"], ["/readonly"] = ["list", "download"] },
            };
            return ValueTask.FromResult(SshAuthResult.Success(new SshPrincipal("carol", identity.Home).SetFeature(account)));
        }
    }

    /// <summary>Needs OpenSSH's sftp; makes the client key and the files to upload.</summary>
    private async Task<string> PrepareAsync()
    {
        Requires.Tool("sftp", "install Debian's openssh-client package");
        Requires.Tool("ssh-keygen", "install Debian's openssh-client package");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(_root, "local"));
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
        await File.WriteAllBytesAsync(Local("first.bin"), RandomNumberGenerator.GetBytes(FileSize));
        await File.WriteAllBytesAsync(Local("second.bin"), RandomNumberGenerator.GetBytes(FileSize));
        await File.WriteAllBytesAsync(Local("small.bin"), RandomNumberGenerator.GetBytes(10));
        return (await File.ReadAllTextAsync(ClientKey + ".pub")).Trim();
    }

    /// <summary>What every test's server gets whatever authenticates: the server-wide upload limit and the event handler.</summary>
    private ISftpServerBuilder WithServerPolicies(ISftpServerBuilder server) =>
        server.ConfigurePolicies(p => p.MaxUploadBandwidth = LimitKiB).AddEventHandler(_events);

    /// <summary>A host app serving sftp with <see cref="WithServerPolicies"/>, plus <paramref name="configure"/>.</summary>
    private async Task<int> StartAsync(Action<ISftpServerBuilder> configure)
    {
        string hostKey = Path.Combine(_root, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
            })
            .AddSftp();
        configure(WithServerPolicies(server));
        _host = builder.Build();
        await _host.StartAsync();
        int port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await TrustHostKeyAsync(port, await File.ReadAllTextAsync(hostKey + ".pub"));
        return port;
    }

    private Task TrustHostKeyAsync(int port, string hostPublicKey) =>
        File.WriteAllTextAsync(KnownHostsFile, $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {hostPublicKey.Trim()}\n");

    /// <summary>Runs <c>sftp -b</c> as <paramref name="user"/> with the client key; a failed command makes it exit non-zero.</summary>
    private async Task<ProcessRunner.Result> SftpAsync(int port, string user, params string[] commands)
    {
        string batch = Path.Combine(_root, "batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        return await ProcessRunner.RunAsync("sftp", ["-b", batch, .. OpenSshClientOptions.Build(KnownHostsFile, ClientKey, port), $"{user}@127.0.0.1"]);
    }

    /// <summary>
    /// Puts first.bin at <paramref name="remotePath"/> and returns the Upload event, after checking the upload took at
    /// least what the server-wide limit allows. The time is the event's own (the server's open to close of the file),
    /// so the client's start and login, however slow under load, cannot make an unthrottled upload look throttled.
    /// </summary>
    private async Task<SftpEvent> UploadThrottledAsync(int port, string user, string remotePath)
    {
        var result = await SftpAsync(port, user, $"put {Local("first.bin")} {remotePath}");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var upload = await _events.Upload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(user, upload.UserName);
        Assert.Equal(remotePath, upload.Path);
        Assert.Equal(SftpEventStatus.Ok, upload.Status);
        Assert.Equal(FileSize, upload.Size);
        // Token bucket: a burst of at most max(32 KiB, rate/8) passes at once, the rest at the rate; 20 % slack.
        double burst = Math.Max(32 * 1024, LimitKiB * 1024 / 8.0);
        double floor = (FileSize - burst) / (LimitKiB * 1024) * 0.8;
        double seconds = upload.Elapsed!.Value.TotalSeconds;
        Assert.True(seconds >= floor, $"{FileSize} bytes in {seconds:0.000} s, under the limit's {floor:0.00} s");
        return upload;
    }

    /// <summary>A second file that would pass the quota fails (sftp exits non-zero) and leaves nothing.</summary>
    private async Task<ProcessRunner.Result> PutOverQuotaAsync(int port, string user)
    {
        var result = await SftpAsync(port, user, $"put {Local("second.bin")} /second.bin");
        Assert.True(result.ExitCode != 0, "the upload over the quota succeeded");
        return result;
    }

    /// <summary>A put into the read-only folder is refused at open with SSH_FX_PERMISSION_DENIED.</summary>
    private async Task PutIntoReadOnlyAsync(int port, string user)
    {
        var result = await SftpAsync(port, user, $"put {Local("small.bin")} /readonly/x.bin");
        Assert.True(result.ExitCode != 0, "the upload into the read-only folder succeeded");
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_authenticator_with_an_account_gets_quota_permissions_server_policies_and_events_for_openssh()
    {
        string publicKey = await PrepareAsync();
        Directory.CreateDirectory(Path.Combine(Home, "readonly"));
        int port = await StartAsync(s =>
        {
            s.Services.AddSingleton(new ClientIdentity(Home, SshPublicKey.ParseAuthorizedKey(publicKey)));
            s.AddAuthenticator<HostKeyAuthenticator>();
        });

        await UploadThrottledAsync(port, "carol", "/first.bin");
        Assert.Equal(await File.ReadAllBytesAsync(Local("first.bin")), await File.ReadAllBytesAsync(Path.Combine(Home, "first.bin")));

        // The account's quota (300,000 bytes) refuses a second 200,000-byte file, and nothing of it stays.
        var quota = await PutOverQuotaAsync(port, "carol");
        Assert.False(File.Exists(Path.Combine(Home, "second.bin")), quota.StandardError);

        // Its read-only folder refuses writes.
        await PutIntoReadOnlyAsync(port, "carol");
        Assert.False(File.Exists(Path.Combine(Home, "readonly", "x.bin")));
    }

    /// <summary>
    /// An <see cref="SshUser"/> carries credentials, a home directory and a session limit only — no quota, no
    /// permissions — so for in-memory users the server-wide policies and the events are what there is to check.
    /// </summary>
    [Fact]
    public async Task In_memory_users_get_the_server_policies_and_events_for_openssh()
    {
        string publicKey = await PrepareAsync();
        int port = await StartAsync(s => s.AddInMemoryUsers(new SshUser { UserName = "dave", HomeDirectory = Home, AuthorizedKeys = [publicKey] }));

        await UploadThrottledAsync(port, "dave", "/in-memory.bin");
        Assert.Equal(await File.ReadAllBytesAsync(Local("first.bin")), await File.ReadAllBytesAsync(Path.Combine(Home, "in-memory.bin")));
    }

    [Fact]
    public async Task The_test_host_gets_the_users_account_rules_plus_server_policies_and_events_for_openssh()
    {
        string publicKey = await PrepareAsync();
        var user = new SftpKit.Testing.SftpTestUser("gina")
        {
            AuthorizedKeys = [publicKey],
            Account = new SftpAccount { QuotaSize = Quota, Permissions = { ["/"] = ["*"], ["/readonly"] = ["list", "download"] } },
        };
        await user.FileSystem.CreateDirectoryAsync("/readonly", CancellationToken.None);
        await using var host = await SftpKit.Testing.SftpTestHost.StartAsync([user], configureServer: s => WithServerPolicies(s));
        await TrustHostKeyAsync(host.Port, host.HostPublicKey);

        await UploadThrottledAsync(host.Port, "gina", "/first.bin");
        await PutOverQuotaAsync(host.Port, "gina");
        await PutIntoReadOnlyAsync(host.Port, "gina");

        var names = new List<string>();
        await foreach (var entry in user.FileSystem.ListAsync("/", CancellationToken.None))
        {
            names.Add(entry.Name);
        }
        Assert.Equal(["first.bin", "readonly"], names.Order(StringComparer.Ordinal));
        var readOnly = new List<string>();
        await foreach (var entry in user.FileSystem.ListAsync("/readonly", CancellationToken.None))
        {
            readOnly.Add(entry.Name);
        }
        Assert.Empty(readOnly);
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
