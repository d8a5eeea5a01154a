using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SftpKit.Tests.Interop;

/// <summary>
/// A real SftpKit server on 127.0.0.1 with host keys of every type made by ssh-keygen, every supported algorithm
/// enabled, and users with a password and keys. Exec commands: <c>echo ARGS</c>, <c>cat</c> (input back to output).
/// </summary>
public sealed class TestServer : IAsyncLifetime
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery";

    private IHost? _host;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "sftpkit-test-" + Guid.NewGuid().ToString("N")[..12]);

    public int Port { get; private set; }

    /// <summary>Client key files by type (ed25519, ecdsa, rsa), authorized for <see cref="UserName"/>.</summary>
    public Dictionary<string, string> ClientKeys { get; } = new();

    /// <summary>known_hosts file naming every host key of this server.</summary>
    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    public Action<SftpServerOptions>? Configure { get; init; }

    /// <summary>Extra service registrations (e.g. a fake TimeProvider), applied before AddSftpServer.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The running host's services (registry, defender, metrics).</summary>
    public IServiceProvider Services => _host!.Services;

    /// <summary>Registers more seams (authenticator, observers…) after the defaults.</summary>
    public Action<ISftpServerBuilder>? ConfigureServer { get; init; }

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var hostKeys = new List<string>();
        foreach (var (type, bits) in new[] { ("ed25519", ""), ("ecdsa", "256"), ("ecdsa", "384"), ("ecdsa", "521"), ("rsa", "3072") })
        {
            string path = Path.Combine(Directory, $"host_{type}{bits}");
            await KeyGenAsync(path, type, bits, pem: type == "rsa");
            hostKeys.Add(path);
        }
        foreach (var (type, bits) in new[] { ("ed25519", ""), ("ecdsa", "256"), ("rsa", "2048") })
        {
            string path = Path.Combine(Directory, $"client_{type}");
            await KeyGenAsync(path, type, bits, pem: false);
            ClientKeys[type] = path;
        }

        _host = CreateHost(hostKeys);
        await _host.StartAsync();
        var server = _host.Services.GetRequiredService<ISftpServer>();
        Port = ((IPEndPoint)server.EndPoints[0]).Port;

        var lines = hostKeys.Select(k => $"[127.0.0.1]:{Port} {File.ReadAllText(k + ".pub").Trim()}");
        await File.WriteAllLinesAsync(KnownHostsFile, lines);
    }

    private IHost CreateHost(List<string> hostKeys)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ConfigureServices?.Invoke(builder.Services);
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                foreach (var key in hostKeys)
                {
                    o.HostKeyFiles.Add(key);
                }
                var all = SshAlgorithmOptions.AllSupported();
                Replace(o.Algorithms.KeyExchange, all.KeyExchange);
                Replace(o.Algorithms.HostKeys, all.HostKeys);
                Replace(o.Algorithms.Ciphers, all.Ciphers);
                Replace(o.Algorithms.Macs, all.Macs);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                // Many tests fail logins on purpose from 127.0.0.1: the defender is off unless a test turns it on.
                o.Defender.Enabled = false;
                o.Defender.FailedPasswordDelay = TimeSpan.Zero;
                o.Users.Add(new SshUser
                {
                    UserName = UserName,
                    Password = Password,
                    AuthorizedKeys = ClientKeys.Values.Select(k => File.ReadAllText(k + ".pub").Trim()).ToList(),
                });
                Configure?.Invoke(o);
            })
            .AddCommandHandler<TestCommands>();
        ConfigureServer?.Invoke(server);
        return builder.Build();
    }

    private static void Replace(IList<string> target, IList<string> source)
    {
        target.Clear();
        foreach (var item in source)
        {
            target.Add(item);
        }
    }

    public static async Task KeyGenAsync(string path, string type, string bits, bool pem)
    {
        var args = new List<string> { "-q", "-t", type, "-N", "", "-C", "test", "-f", path };
        if (bits.Length > 0)
        {
            args.AddRange(["-b", bits]);
        }
        if (pem)
        {
            args.AddRange(["-m", "PEM"]);
        }
        var result = await ProcessRunner.RunAsync("ssh-keygen", args);
        Assert.True(result.ExitCode == 0, result.StandardError);
    }

    /// <summary>Arguments for OpenSSH's ssh that make it non-interactive and strict about this server's host keys.</summary>
    public List<string> SshArgs(params string[] extra)
    {
        var args = new List<string>
        {
            "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", $"UserKnownHostsFile={KnownHostsFile}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=20",
            "-o", "LogLevel=ERROR",
        };
        args.AddRange(extra);
        return args;
    }

    /// <summary>Runs <c>ssh</c> with public-key auth (the ed25519 key unless given) and a command.</summary>
    public Task<ProcessRunner.Result> SshAsync(string command, byte[]? input = null, string keyType = "ed25519", params string[] options)
    {
        var args = SshArgs(options);
        args.AddRange(["-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", ClientKeys[keyType], $"{UserName}@127.0.0.1", command]);
        return ProcessRunner.RunAsync("ssh", args, input);
    }

    /// <summary>Runs <c>ssh</c> with password or keyboard-interactive auth answered through SSH_ASKPASS.</summary>
    public async Task<ProcessRunner.Result> SshWithPasswordAsync(string command, string password, string method = "password")
    {
        string askpass = Path.Combine(Directory, "askpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(askpass, $"#!/bin/sh\nprintf '%s\\n' '{password.Replace("'", "'\\''", StringComparison.Ordinal)}'\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = SshArgs("-o", $"PreferredAuthentications={method}", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
            $"{UserName}@127.0.0.1", command);
        var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        return await ProcessRunner.RunAsync("setsid", ["-w", "ssh", .. args], environment: env);
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

    public static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);
}

/// <summary>The commands the test server runs: <c>echo</c> and <c>cat</c>.</summary>
internal sealed class TestCommands : ISshCommandHandler
{
    public bool CanExecute(string command) => command is "cat" || command.StartsWith("echo ", StringComparison.Ordinal);

    public async Task<int> ExecuteAsync(SshChannelContext context, string command, CancellationToken cancellationToken)
    {
        if (command == "cat")
        {
            await context.Input.CopyToAsync(context.Output, 64 * 1024, cancellationToken);
            return 0;
        }
        await context.Output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(command[5..] + "\n"), cancellationToken);
        return 0;
    }
}
