using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Renci.SshNet;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// One real SftpKit server (its own host, listener on a free loopback port) whose accounts, quota usage, session
/// leases and bans live in the SQL database it is given. Several instances on one database form a cluster.
/// </summary>
public sealed class SqlServerInstance : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    private readonly IHost _host;

    private SqlServerInstance(IHost host, int port, string directory)
    {
        _host = host;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    /// <summary>A scratch directory owned by the test (homes go under it); removed by the test, not the instance.</summary>
    public string Directory { get; }

    public IServiceProvider Services => _host.Services;

    public SqlUserStore Store => Services.GetRequiredService<SqlUserStore>();

    /// <summary>Starts a server on <paramref name="database"/> with a fresh ed25519 host key in <paramref name="directory"/>.</summary>
    public static async Task<SqlServerInstance> StartAsync(SqlTestDatabase database, string directory,
        Action<SftpServerOptions>? server = null, Action<SqlStoreOptions>? store = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        string hostKey = Path.Combine(directory, "host_" + Guid.NewGuid().ToString("N")[..8]);
        var made = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", hostKey]);
        Assert.True(made.ExitCode == 0, made.StandardError);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
                server?.Invoke(o);
            })
            .AddSqlUserStore(o =>
            {
                o.Provider = database.Provider;
                o.ConnectionString = database.ConnectionString;
                store?.Invoke(o);
            })
            .AddSftp();
        var host = builder.Build();
        await host.StartAsync();
        int port = ((IPEndPoint)host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        return new SqlServerInstance(host, port, directory);
    }

    /// <summary>An account with <see cref="Password"/> and a fresh home under <see cref="Directory"/>.</summary>
    public SftpAccount NewAccount(string userName, Action<SftpAccount>? configure = null)
    {
        var account = new SftpAccount
        {
            UserName = userName,
            PasswordHash = SftpPasswordHasher.Hash(Password),
            HomeDirectory = Path.Combine(Directory, "homes", userName),
        };
        System.IO.Directory.CreateDirectory(account.HomeDirectory);
        configure?.Invoke(account);
        return account;
    }

    /// <summary>An SSH.NET client for this instance (host key accepted; the test pins nothing about it).</summary>
    public SftpClient Client(string userName, string password = Password)
    {
        var client = new SftpClient("127.0.0.1", Port, userName, password);
        client.ConnectionInfo.Timeout = TimeSpan.FromSeconds(30);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    /// <summary>
    /// Connects with a raw socket and reads for up to 10 seconds: the server's first line when it sends one, null when
    /// it closes (or resets) the connection without a word.
    /// </summary>
    public async Task<string?> ReadBannerAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[256];
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, timeout.Token);
                if (n == 0)
                {
                    break;
                }
                total += n;
                if (Array.IndexOf(buffer, (byte)'\n', 0, total) >= 0)
                {
                    break;
                }
            }
        }
        catch (SocketException)
        {
        }
        return total == 0 ? null : System.Text.Encoding.ASCII.GetString(buffer, 0, total).TrimEnd();
    }

    public override string ToString() => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
