using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Policies;

/// <summary>
/// A real server whose users come from an <see cref="InMemoryUserStore"/>: each test adds its own accounts
/// (each with a home under <see cref="Directory"/>) and talks to the server with real clients.
/// </summary>
public sealed class AccountTestServer : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private IHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-acct-" + Guid.NewGuid().ToString("N")[..12]);

    public string ClientKey => Path.Combine(Directory, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public InMemoryUserStore Store { get; } = new();

    public RecordingEventHandler Events { get; } = new();

    public int Port { get; private set; }

    public IServiceProvider Services => _host!.Services;

    /// <summary>The clock the server runs on (e.g. a FakeTimeProvider); null = the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Extra option settings, applied after the defaults.</summary>
    public Action<SftpServerOptions>? Configure { get; init; }

    /// <summary>Extra registrations on the server builder (e.g. <c>AddEventRules()</c>), after the defaults.</summary>
    public Action<ISftpServerBuilder>? ConfigureServer { get; init; }

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        string hostKey = Path.Combine(Directory, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Time is not null)
        {
            builder.Services.AddSingleton(Time);
        }
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.Enabled = false;
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
                Configure?.Invoke(o);
            })
            .AddUserStore(_ => Store)
            .AddEventHandler(Events)
            .AddSftp()
            .AddScp()
            .AddHashCommands();
        ConfigureServer?.Invoke(server);
        _host = builder.Build();
        await _host.StartAsync();
        Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHostsFile, $"[127.0.0.1]:{Port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    /// <summary>Adds an account with a fresh home directory, the client key and <see cref="Password"/>.</summary>
    public async Task<SftpAccount> AddAccountAsync(string userName, Action<SftpAccount>? configure = null)
    {
        var account = new SftpAccount
        {
            UserName = userName,
            PasswordHash = SftpPasswordHasher.Hash(Password),
            HomeDirectory = Path.Combine(Directory, "homes", userName),
            PublicKeys = [File.ReadAllText(ClientKey + ".pub").Trim()],
        };
        System.IO.Directory.CreateDirectory(account.HomeDirectory);
        configure?.Invoke(account);
        await Store.CreateAsync(account, CancellationToken.None);
        return account;
    }

    public List<string> ClientOptions() => OpenSshClientOptions.Build(KnownHostsFile, ClientKey, Port);

    /// <summary>Runs <c>sftp -b</c> as <paramref name="user"/>; each command may be prefixed with <c>-</c> to tolerate failure.</summary>
    public async Task<ProcessRunner.Result> SftpBatchAsync(string user, string localDirectory, params string[] commands)
    {
        string batch = Path.Combine(Directory, "batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        var args = ClientOptions();
        args.InsertRange(0, ["-b", batch]);
        args.Add($"{user}@127.0.0.1");
        return await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp \"$@\"", localDirectory, .. args]);
    }

    public Task<ProcessRunner.Result> ScpAsync(params string[] arguments)
    {
        var args = ClientOptions();
        args.AddRange(arguments);
        return ProcessRunner.RunAsync("scp", args);
    }

    public Task<ProcessRunner.Result> SshAsync(string user, string command)
    {
        var args = ClientOptions();
        int p = args.IndexOf("-P");
        args[p] = "-p";
        args.Add($"{user}@127.0.0.1");
        args.Add(command);
        return ProcessRunner.RunAsync("ssh", args);
    }

    public string NewLocalDirectory()
    {
        string dir = Path.Combine(Directory, "local-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records post-events; vetoes uploads whose path contains "blocked" and logins of users named "vetoed*".</summary>
public sealed class RecordingEventHandler : SftpKit.Events.ISftpEventHandler
{
    public System.Collections.Concurrent.ConcurrentQueue<SftpKit.Events.SftpEvent> Posted { get; } = new();

    public ValueTask<SftpKit.Events.SftpEventDecision> OnPreEventAsync(SftpKit.Events.SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        bool deny = (sftpEvent.Kind == SftpKit.Events.SftpEventKind.Upload && sftpEvent.Path!.Contains("blocked", StringComparison.Ordinal))
            || (sftpEvent.Kind == SftpKit.Events.SftpEventKind.Login && sftpEvent.UserName!.StartsWith("vetoed", StringComparison.Ordinal))
            || (sftpEvent.Kind == SftpKit.Events.SftpEventKind.SshCommand && sftpEvent.Path!.StartsWith("md5sum", StringComparison.Ordinal));
        return ValueTask.FromResult(deny ? SftpKit.Events.SftpEventDecision.Deny("test veto") : SftpKit.Events.SftpEventDecision.Allow);
    }

    public ValueTask OnPostEventAsync(SftpKit.Events.SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        Posted.Enqueue(sftpEvent);
        return ValueTask.CompletedTask;
    }

    public async Task<List<SftpKit.Events.SftpEvent>> WaitForAsync(string userName, Func<List<SftpKit.Events.SftpEvent>, bool> done)
    {
        for (int i = 0; i < 200; i++)
        {
            var mine = Posted.Where(e => e.UserName == userName).ToList();
            if (done(mine))
            {
                return mine;
            }
            await Task.Delay(50);
        }
        return Posted.Where(e => e.UserName == userName).ToList();
    }
}
