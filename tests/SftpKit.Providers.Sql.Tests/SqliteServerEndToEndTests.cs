using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// A real SftpKit server whose store is SQLite, configured through "SftpKit:Sql": an account created in the store
/// logs in with OpenSSH sftp, uploads a file, and the quota usage row, last login and session lease follow.
/// </summary>
public sealed class SqliteServerEndToEndTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqle2e-" + Guid.NewGuid().ToString("N")[..12]);
    private IHost? _host;
    private int _port;

    private string DatabasePath => Path.Combine(_directory, "sftpkit.db");

    private string ClientKey => Path.Combine(_directory, "client_ed25519");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        string hostKey = Path.Combine(_directory, "host_ed25519");
        foreach (string key in new[] { hostKey, ClientKey })
        {
            var made = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key]);
            Assert.True(made.ExitCode == 0, made.StandardError);
        }
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Sql:Provider"] = "Sqlite",
            ["SftpKit:Sql:ConnectionString"] = $"Data Source={DatabasePath}",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
            })
            .AddSqlUserStore()
            .AddSftp();
        _host = builder.Build();
        await _host.StartAsync();
        _port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(Path.Combine(_directory, "known_hosts"), $"[127.0.0.1]:{_port} {File.ReadAllText(hostKey + ".pub").Trim()}\n");
    }

    [Fact]
    public async Task OpenSshUpload_UpdatesTheQuotaUsageRow()
    {
        var services = _host!.Services;
        Assert.IsType<SqlUserStore>(services.GetRequiredService<ISftpUserStore>());
        Assert.IsType<SqlSessionLimiter>(services.GetRequiredService<ISftpSessionLimiter>());
        Assert.IsType<SqlDefender>(services.GetRequiredService<ISftpDefender>());
        var store = services.GetRequiredService<SqlUserStore>();
        string home = Path.Combine(_directory, "homes", "judy");
        Directory.CreateDirectory(home);
        await store.CreateAsync(new SftpAccount
        {
            UserName = "judy",
            HomeDirectory = home,
            PublicKeys = [File.ReadAllText(ClientKey + ".pub").Trim()],
            QuotaSize = 10_000_000,
            MaxSessions = 2,
        }, default);

        string local = Path.Combine(_directory, "local");
        Directory.CreateDirectory(local);
        var payload = new byte[123_457];
        Random.Shared.NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(local, "data.bin"), payload);
        string batch = Path.Combine(_directory, "batch");
        await File.WriteAllLinesAsync(batch, ["put data.bin", "ls -l"]);
        var result = await ProcessRunner.RunAsync("sh",
        [
            "-c", "cd \"$0\" && exec sftp \"$@\"", local, "-b", batch, "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={Path.Combine(_directory, "known_hosts")}",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=20",
            "-i", ClientKey, "-P", _port.ToString(CultureInfo.InvariantCulture), "judy@127.0.0.1",
        ]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(home, "data.bin")));

        // Read the row straight from the file, as another instance would.
        long size = 0, files = 0, leases = -1;
        for (int i = 0; i < 200 && (size != payload.Length || leases != 0); i++)
        {
            await Task.Delay(25);
            await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT size, files FROM quota_usage WHERE owner_kind = 'user' AND owner_name = 'judy'";
            await using (var reader = await command.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync())
                {
                    (size, files) = (reader.GetInt64(0), reader.GetInt64(1));
                }
            }
            command.CommandText = "SELECT COUNT(*) FROM session_leases WHERE user_name = 'judy'";
            leases = (long)(await command.ExecuteScalarAsync())!;
        }
        Assert.Equal(payload.Length, size);
        Assert.Equal(1, files);
        Assert.Equal(0, leases); // the session's lease went with its connection
        Assert.NotNull((await store.FindAsync("judy", default))!.LastLogin);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
