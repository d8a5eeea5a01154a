using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SftpKit.Tests.Interop;

/// <summary>
/// A real SftpKit server with the <c>sftp</c> subsystem on 127.0.0.1; the user's home is a temp directory served
/// by the default provider (LocalFileSystem). Helpers run OpenSSH's sftp and scp against it.
/// </summary>
public class SftpTestServer : IAsyncLifetime
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery";

    private IHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-sftp-" + Guid.NewGuid().ToString("N")[..12]);

    public string Home => Path.Combine(Directory, "home");

    public string ClientKey => Path.Combine(Directory, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public int Port { get; private set; }

    /// <summary>The subsystem's upload mode (defaults to atomic, as the library's default).</summary>
    protected virtual SftpKit.Sftp.SftpUploadMode UploadMode => SftpKit.Sftp.SftpUploadMode.Atomic;
    /// <summary>Extra option settings, applied after the defaults above.</summary>
    public Action<SftpServerOptions>? Configure { get; init; }

    /// <summary>The running host's services (registry, defender, metrics).</summary>
    public IServiceProvider Services => _host!.Services;

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Home);
        string hostKey = Path.Combine(Directory, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.Enabled = false;
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
                o.Users.Add(new SshUser
                {
                    UserName = UserName,
                    Password = Password,
                    HomeDirectory = Home,
                    AuthorizedKeys = [File.ReadAllText(ClientKey + ".pub").Trim()],
                });
                Configure?.Invoke(o);
            })
            .AddSftp(o => o.UploadMode = UploadMode)
            .AddScp()
            .AddHashCommands();
        _host = builder.Build();
        await _host.StartAsync();
        Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHostsFile, $"[127.0.0.1]:{Port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    /// <summary>Options shared by ssh, sftp and scp (port given separately: -P for sftp/scp).</summary>
    public List<string> ClientOptions() => OpenSshClientOptions.Build(KnownHostsFile, ClientKey, Port);

    /// <summary>Runs <c>sftp -b</c> with <paramref name="commands"/> from <paramref name="localDirectory"/>.</summary>
    public async Task<ProcessRunner.Result> SftpBatchAsync(string localDirectory, params string[] commands)
    {
        string batch = Path.Combine(Directory, "batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        var args = ClientOptions();
        args.InsertRange(0, ["-b", batch]);
        args.Add($"{UserName}@127.0.0.1");
        return await ProcessRunner.RunAsync("sh", ["-c", "cd \"$0\" && exec sftp \"$@\"", localDirectory, .. args]);
    }

    public Task<ProcessRunner.Result> ScpAsync(params string[] paths)
    {
        var args = ClientOptions();
        args.AddRange(paths);
        return ProcessRunner.RunAsync("scp", args);
    }

    public string Remote(string path) => $"{UserName}@127.0.0.1:{path}";

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
