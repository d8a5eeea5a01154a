using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Hosting.Hooks;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Hosting.Hooks;

/// <summary>
/// A host app serving sftp from an in-memory account store with the external authentication hooks in front, and the
/// OpenSSH and paramiko clients that log in to it (key logins in batch mode, password logins through SSH_ASKPASS).
/// </summary>
public sealed class HookLoginHost : IAsyncDisposable
{
    private IHost? _host;

    public HookLoginHost()
    {
        Root = Directory.CreateTempSubdirectory("sftpkit-hooks-").FullName;
    }

    public string Root { get; }

    public int Port { get; private set; }

    public string ClientKey => Path.Combine(Root, "client_ed25519");

    public string ClientPublicKey { get; private set; } = string.Empty;

    public InMemoryUserStore Store { get; private set; } = null!;

    private string KnownHosts => Path.Combine(Root, "known_hosts");

    /// <summary>Starts the server with <paramref name="accounts"/> in the store and the hooks <paramref name="configure"/> sets.</summary>
    public async Task StartAsync(Action<SftpAuthHookOptions> configure, params SftpAccount[] accounts)
    {
        Requires.Tool("sftp", "install Debian's openssh-client package");
        Requires.Tool("ssh-keygen", "install Debian's openssh-client package");
        await TestServer.KeyGenAsync(ClientKey, "ed25519", "", pem: false);
        ClientPublicKey = (await File.ReadAllTextAsync(ClientKey + ".pub")).Trim();
        string hostKey = Path.Combine(Root, "host_ed25519");
        await TestServer.KeyGenAsync(hostKey, "ed25519", "", pem: false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                o.HostKeyFiles.Add(hostKey);
                o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                o.Defender.Enabled = false;
            })
            .AddSftp()
            .AddInMemoryUserStore(accounts)
            .AddExternalAuthHooks(configure);
        _host = builder.Build();
        Store = _host.Services.GetRequiredService<InMemoryUserStore>();
        await _host.StartAsync();
        Port = ((IPEndPoint)_host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        await File.WriteAllTextAsync(KnownHosts,
            $"[127.0.0.1]:{Port.ToString(CultureInfo.InvariantCulture)} {(await File.ReadAllTextAsync(hostKey + ".pub")).Trim()}\n");
    }

    /// <summary>A directory under the test's root (not created).</summary>
    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Runs <c>sftp -b</c> as <paramref name="user"/> with the client key.</summary>
    public async Task<ProcessRunner.Result> SftpWithKeyAsync(string user, params string[] commands)
    {
        string batch = await BatchAsync(commands);
        return await ProcessRunner.RunAsync("sftp", ["-b", batch, .. OpenSshClientOptions.Build(KnownHosts, ClientKey, Port), $"{user}@127.0.0.1"]);
    }

    /// <summary>
    /// Runs sftp as <paramref name="user"/> logging in with <paramref name="password"/> (password method, through
    /// SSH_ASKPASS), the commands on its input: <c>-b</c> would turn on BatchMode, which disables askpass, so a failed
    /// command does not change the exit code here (a failed login does).
    /// </summary>
    public async Task<ProcessRunner.Result> SftpWithPasswordAsync(string user, string password, params string[] commands)
    {
        Requires.Tool("setsid", "install Debian's util-linux package");
        string askpass = PathOf("askpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(askpass, $"#!/bin/sh\nprintf '%s\\n' '{password}'\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        string[] args =
        [
            "-w", "sftp", "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={KnownHosts}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
            "-o", "NumberOfPasswordPrompts=1", "-P", Port.ToString(CultureInfo.InvariantCulture), $"{user}@127.0.0.1",
        ];
        byte[] input = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', commands.Append("bye")) + "\n");
        return await ProcessRunner.RunAsync("setsid", args, input, env);
    }

    /// <summary>Runs a paramiko script with the port as its first argument; returns its output.</summary>
    public async Task<ProcessRunner.Result> ParamikoAsync(string script, params string[] arguments)
    {
        const string python = "/usr/bin/python3";
        Requires.That(File.Exists(python), "Debian's /usr/bin/python3", "install Debian's python3-paramiko package");
        var probe = await ProcessRunner.RunAsync(python, ["-c", "import paramiko"]);
        Requires.That(probe.ExitCode == 0, "python3-paramiko", "install Debian's python3-paramiko package");
        string path = PathOf("script-" + Guid.NewGuid().ToString("N")[..8] + ".py");
        await File.WriteAllTextAsync(path, script);
        return await ProcessRunner.RunAsync(python, [path, Port.ToString(CultureInfo.InvariantCulture), .. arguments]);
    }

    /// <summary>Writes an executable shell script under the root; returns its absolute path.</summary>
    public async Task<string> ScriptAsync(string name, string text)
    {
        string path = PathOf(name);
        await File.WriteAllTextAsync(path, text.ReplaceLineEndings("\n"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private async Task<string> BatchAsync(string[] commands)
    {
        string batch = PathOf("batch-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllLinesAsync(batch, commands);
        return batch;
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
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
