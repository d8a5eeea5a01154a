using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// A real SftpKit server whose accounts keep their files in S3 (provider <c>s3</c>, registered with
/// <c>AddS3Storage</c>), with a small reorder window so out-of-order clients reach the temp-file spill
/// (<see cref="DefaultS3SftpServer"/>: the SFTP subsystem's defaults instead).
/// </summary>
public class S3SftpServer : IAsyncLifetime
{
    public const string Password = "correct horse battery";
    public const long ReorderWindow = 512 * 1024;

    private IHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-s3sftp-" + Guid.NewGuid().ToString("N")[..12]);

    public string SpillDirectory => Path.Combine(Directory, "spill");

    public string ClientKey => Path.Combine(Directory, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public InMemoryUserStore Store { get; } = new();

    public ConcurrentQueue<SftpEvent> Events { get; } = new();

    public int Port { get; private set; }

    /// <summary>True to keep every SFTP subsystem default (reorder window, temp directory).</summary>
    protected virtual bool SftpDefaults => false;

    /// <summary>True for the SDK's own HTTP stack, with no test harness between SftpKit and the S3 server.</summary>
    protected virtual bool PlainHttp => false;

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(SpillDirectory);
        string hostKey = Path.Combine(Directory, "host_ed25519");
        await KeyGenAsync(hostKey);
        await KeyGenAsync(ClientKey);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.Enabled = false;
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
            })
            .AddUserStore(_ => Store)
            .AddS3Storage(o => o.HttpClientFactory = PlainHttp ? null : S3TestEnvironment.HttpClientFactory)
            .AddEventHandler(new Recorder(Events))
            .AddSftp(o =>
            {
                if (!SftpDefaults)
                {
                    o.ReorderWindowBytes = ReorderWindow;
                    o.TempDirectory = SpillDirectory;
                }
            });
        _host = builder.Build();
        await _host.StartAsync();
        Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHostsFile, $"[127.0.0.1]:{Port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    /// <summary>Adds an account stored in S3 under <paramref name="prefix"/> (relative to the run prefix).</summary>
    public async Task<SftpAccount> AddAccountAsync(S3TestEnvironment s3, string userName, string prefix, Action<SftpAccount>? configure = null,
        IDictionary<string, string>? extraSettings = null)
    {
        var settings = s3.Settings();
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var account = new SftpAccount
        {
            UserName = userName,
            PasswordHash = SftpPasswordHasher.Hash(Password),
            PublicKeys = [File.ReadAllText(ClientKey + ".pub").Trim()],
            FileSystem = new SftpFileSystemConfig { Provider = "s3", Root = prefix, Settings = settings },
        };
        configure?.Invoke(account);
        await Store.CreateAsync(account, CancellationToken.None);
        return account;
    }

    /// <summary>Runs <c>sftp -b</c>; a command prefixed with <c>-</c> may fail.</summary>
    public async Task<ProcessRunner.Result> SftpBatchAsync(string user, string localDirectory, params string[] commands)
    {
        string batch = Path.Combine(Directory, "batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        string[] args =
        [
            "-b", batch, "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={KnownHostsFile}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
            "-i", ClientKey, "-P", Port.ToString(CultureInfo.InvariantCulture), $"{user}@127.0.0.1",
        ];
        return await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp \"$@\"", localDirectory, .. args], timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>Runs a paramiko script with <c>sftp</c> (an open SFTPClient), <c>transport</c>, and <c>args</c> bound.</summary>
    public Task<ProcessRunner.Result> ParamikoAsync(string user, string body, params string[] args)
    {
        string script = $$"""
            import sys, paramiko
            transport = paramiko.Transport(("127.0.0.1", {{Port}}))
            transport.connect(username="{{user}}", password="{{Password}}")
            sftp = paramiko.SFTPClient.from_transport(transport)
            args = sys.argv[1:]
            {{body}}
            """;
        return ProcessRunner.RunAsync("/usr/bin/python3", ["-c", script, .. args], timeout: TimeSpan.FromMinutes(3));
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

    private static async Task KeyGenAsync(string path)
    {
        var result = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]);
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    private sealed class Recorder(ConcurrentQueue<SftpEvent> events) : ISftpEventHandler
    {
        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken) => ValueTask.FromResult(SftpEventDecision.Allow);

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            events.Enqueue(sftpEvent);
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The S3-backed server with the SFTP subsystem's defaults (atomic uploads, 8 MiB reorder window).</summary>
public sealed class DefaultS3SftpServer : S3SftpServer
{
    protected override bool SftpDefaults => true;
}

/// <summary>An <see cref="S3SftpServer"/> whose S3 clients use the SDK's own HTTP stack: no harness, no rewrite.</summary>
public sealed class PlainHttpS3SftpServer : S3SftpServer
{
    protected override bool PlainHttp => true;
}
