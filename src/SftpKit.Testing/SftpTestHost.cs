using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Hosting;
using SftpKit.Ssh.Keys;

namespace SftpKit.Testing;

/// <summary>
/// A real SftpKit server for a host app's own tests: listens on 127.0.0.1 on a free port, keeps every user's files
/// in an <see cref="InMemoryFileSystem"/>, and uses an Ed25519 host key generated in memory, so nothing touches the
/// disk. Serves the <c>sftp</c> subsystem, legacy <c>scp</c> and the shell-free hash commands, like the sample
/// server. Dispose it to stop the server.
/// </summary>
/// <example>
/// <code>
/// await using var server = await SftpTestHost.StartAsync(new SftpTestUser("alice", "secret"));
/// using var client = new SftpClient(server.Host, server.Port, "alice", "secret");
/// </code>
/// </example>
public sealed class SftpTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started;
    private readonly SftpTestHostAccounts _accounts;
    private bool _disposed;

    private SftpTestHost(ServiceProvider services, List<IHostedService> started, IPEndPoint endPoint,
        SftpTestHostAccounts accounts, SshHostKey hostKey)
    {
        _services = services;
        _started = started;
        _accounts = accounts;
        EndPoint = endPoint;
        HostKeyFingerprint = hostKey.Fingerprint;
        HostPublicKey = hostKey.PublicKey.ToString();
    }

    /// <summary>The address to connect to: <c>127.0.0.1</c>, unless the options callback replaced the listen endpoints.</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>The port the server bound (picked by the operating system).</summary>
    public int Port => EndPoint.Port;

    /// <summary>The first bound endpoint (see <see cref="ISftpServer.EndPoints"/> for all).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// The host key's SHA-256 fingerprint as <c>ssh-keygen -l</c> prints it (<c>SHA256:</c> + unpadded base64). SSH.NET
    /// shows the same value without the prefix in <c>HostKeyEventArgs.FingerPrintSHA256</c>.
    /// </summary>
    public string HostKeyFingerprint { get; }

    /// <summary>The host's public key as a known_hosts key (<c>ssh-ed25519 AAAA... comment</c>), for OpenSSH clients.</summary>
    public string HostPublicKey { get; }

    /// <summary>
    /// The server's services (e.g. <see cref="ISftpServer"/> for its connection count, <see cref="ISftpUserStore"/> for
    /// the users' accounts, which a test may change while the server runs).
    /// </summary>
    public IServiceProvider Services => _services;

    /// <summary>Starts a server with the given users and default options.</summary>
    public static Task<SftpTestHost> StartAsync(params SftpTestUser[] users) => StartAsync(users, configureOptions: null);

    /// <summary>
    /// Starts a server. The listen endpoint (127.0.0.1, port 0) and a 1-second <see cref="SftpServerLimits.ShutdownTimeout"/>
    /// are set before <paramref name="configureOptions"/> runs. Users come only from <paramref name="users"/>
    /// (<see cref="SftpServerOptions.Users"/> is not consulted): each becomes an <see cref="SftpAccount"/> of an
    /// <see cref="InMemoryUserStore"/> (<c>AddInMemoryUserStore</c>), so logins and sessions go through the account
    /// pipeline as in any host: account rules at login, storage, virtual folders, policies, events. Passwords are
    /// hashed with argon2id (<see cref="SftpPasswordHasher.Hash"/>) at start and verified at each password login, as
    /// for any account: each costs one hash, tens of milliseconds.
    /// </summary>
    /// <param name="users">The users; at least one, names unique.</param>
    /// <param name="configureOptions">Changes server options (algorithms, limits). Defaults to none.</param>
    /// <param name="configureServer">Registers more seams (command handlers, <c>AddSftp(o => ...)</c> options). Defaults to none.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">No users, a duplicate name, or an unreadable authorized key line.</exception>
    /// <exception cref="OptionsValidationException">The configured options are invalid.</exception>
    public static async Task<SftpTestHost> StartAsync(IEnumerable<SftpTestUser> users, Action<SftpServerOptions>? configureOptions = null,
        Action<ISftpServerBuilder>? configureServer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        var accounts = new SftpTestHostAccounts(users.ToList());
        var hostKey = Ed25519HostKey.Generate("sftpkit-test-host");
        var services = new ServiceCollection();
        // Registered before AddSftpServer, whose defaults are TryAdd: the in-memory key replaces the key files.
        services.AddSingleton(new InMemoryHostKeys([hostKey]));
        var builder = services.AddSftpServer(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.ShutdownTimeout = TimeSpan.FromSeconds(1);
            // Tests log in with wrong passwords on purpose, all from 127.0.0.1: no bans, no failure pause.
            o.Defender.Enabled = false;
            o.Defender.FailedPasswordDelay = TimeSpan.Zero;
            configureOptions?.Invoke(o);
        });
        // The users are accounts of an in-memory store, whose storage is each user's in-memory file system.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider>(accounts));
        builder.AddInMemoryUserStore([.. accounts.Accounts]);
        builder.AddSftp().AddScp().AddHashCommands();
        configureServer?.Invoke(builder);

        var provider = services.BuildServiceProvider();
        var started = new List<IHostedService>();
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(cancellationToken);
                started.Add(hosted);
            }
            var endPoint = provider.GetRequiredService<ISftpServer>().EndPoints.OfType<IPEndPoint>().First();
            return new SftpTestHost(provider, started, endPoint, accounts, hostKey);
        }
        catch
        {
            await StopAsync(started);
            await provider.DisposeAsync();
            hostKey.Dispose();
            throw;
        }
    }

    /// <summary>The in-memory file system of <paramref name="userName"/>: what that user's sessions see as <c>/</c>.</summary>
    /// <exception cref="ArgumentException">No such user.</exception>
    public InMemoryFileSystem GetFileSystem(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return _accounts.Get(userName);
    }

    /// <summary>Stops the server (disconnecting clients after at most the shutdown timeout) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await StopAsync(_started);
        await _services.DisposeAsync();
    }

    private static async Task StopAsync(List<IHostedService> started)
    {
        for (int i = started.Count - 1; i >= 0; i--)
        {
            await started[i].StopAsync(CancellationToken.None);
        }
    }
}
