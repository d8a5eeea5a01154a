using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>A real SftpKit server whose accounts keep their files in Azure Blob Storage (provider <c>azureblob</c>).</summary>
public sealed class AzureSftpServer : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private IHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-azsftp-" + Guid.NewGuid().ToString("N")[..12]);

    public string ClientKey => Path.Combine(Directory, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public InMemoryUserStore Store { get; } = new();

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
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
            .AddAzureBlobStorage()
            .AddSftp();
        _host = builder.Build();
        await _host.StartAsync();
        Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHostsFile, $"[127.0.0.1]:{Port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    /// <summary>Adds an account stored in the container under <paramref name="prefix"/>.</summary>
    public async Task AddAccountAsync(string userName, string prefix, IDictionary<string, string> settings)
    {
        await Store.CreateAsync(new SftpAccount
        {
            UserName = userName,
            PasswordHash = SftpPasswordHasher.Hash(Password),
            PublicKeys = [File.ReadAllText(ClientKey + ".pub").Trim()],
            FileSystem = new SftpFileSystemConfig { Provider = "azureblob", Root = prefix, Settings = new Dictionary<string, string>(settings, StringComparer.Ordinal) },
        }, CancellationToken.None);
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
}
