using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SftpKit.Tests.Interop;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// A PostgreSQL server of the test's own (initdb in a temp directory, a free loopback port, trust auth on 127.0.0.1
/// only) that the test may stop and start at will; never the shared instance of scripts/test-databases.sh.
/// When running as root, the server runs as the unprivileged <c>sftpkitdb</c> user (created if missing).
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string DbUser = "sftpkitdb";
    private readonly string _bin;
    private readonly string _directory;

    private PrivatePostgres(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=sftpkit;Database=postgres;Timeout=5;Command Timeout=10";

    /// <summary>
    /// Starts the server. No PostgreSQL binaries: the test stops through <see cref="SftpKit.Tests.Requires"/> (a counted
    /// skip, a failure under CI). Binaries present but initdb or pg_ctl failing: an exception with their output.
    /// </summary>
    public static async Task<PrivatePostgres> StartAsync()
    {
        string? bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        SftpKit.Tests.Requires.That(bin is not null, "PostgreSQL server binaries (initdb, pg_ctl)", "install the Debian package postgresql (scripts/test.sh does)");
        string directory = Path.Combine(Path.GetTempPath(), "sftpkit-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0x1FF);
        if (Environment.UserName == "root")
        {
            var id = await ProcessRunner.RunAsync("id", [DbUser]);
            if (id.ExitCode != 0)
            {
                await ProcessRunner.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", DbUser]);
            }
            await ProcessRunner.RunAsync("chown", [DbUser, directory]);
        }
        var server = new PrivatePostgres(bin, directory, FreePort());
        var init = await server.AsDbUserAsync("initdb", "-D", server.Data, "-U", "sftpkit", "--auth=trust", "-E", "UTF8", "--no-sync");
        if (init.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit {init.ExitCode}): {init.StandardError}{init.StandardOutput}");
        }
        var started = await server.StartServerAsync();
        if (started.ExitCode != 0)
        {
            string log = Path.Combine(directory, "server.log");
            throw new InvalidOperationException($"pg_ctl start failed (exit {started.ExitCode}): {started.StandardError}"
                + (File.Exists(log) ? await File.ReadAllTextAsync(log) : ""));
        }
        return server;
    }

    private string Data => Path.Combine(_directory, "data");

    /// <summary>Starts (or restarts) the server on the same port and data directory; waits until it accepts.</summary>
    public Task<ProcessRunner.Result> StartServerAsync() => AsDbUserAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_directory, "server.log"),
        "-w", "-t", "60", "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {_directory} -c fsync=off -c max_connections=100", "start");

    /// <summary>Stops the server the hard way (immediate: open connections are cut, as when the database host dies).</summary>
    public Task<ProcessRunner.Result> StopServerAsync() => AsDbUserAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "-t", "60", "stop");

    private Task<ProcessRunner.Result> AsDbUserAsync(string tool, params string[] args)
    {
        string path = Path.Combine(_bin, tool);
        return Environment.UserName == "root"
            ? ProcessRunner.RunAsync("runuser", ["-u", DbUser, "--", path, .. args], timeout: TimeSpan.FromMinutes(2))
            : ProcessRunner.RunAsync(path, args, timeout: TimeSpan.FromMinutes(2));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            await StopServerAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
