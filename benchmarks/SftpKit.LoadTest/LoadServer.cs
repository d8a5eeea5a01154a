using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SftpKit.LoadTest;

/// <summary>
/// The server the load tool runs itself: SftpKit with the sftp subsystem (atomic uploads), one in-memory account whose
/// home is a local directory, generated host keys, no per-host connection cap (every session comes from 127.0.0.1).
/// </summary>
internal sealed class LoadServer : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly SlowHook? _hook;

    private LoadServer(IHost host, int port, SlowHook? hook)
    {
        _host = host;
        Port = port;
        _hook = hook;
    }

    /// <summary>Requests the slow hook answered (0 without <c>--slow-rule-delay</c>).</summary>
    public long HookRequests => _hook?.Answered ?? 0;

    public int Port { get; }

    /// <param name="slowRuleDelay">
    /// When positive, event rules are on with one rule: every upload runs an asynchronous HTTP action against an
    /// endpoint that answers after this delay.
    /// </param>
    public static async Task<LoadServer> StartAsync(string root, int port, string userName, string password, string? authorizedKeyFile, CancellationToken cancellationToken,
        TimeSpan slowRuleDelay = default)
    {
        string home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        var server = builder.Services.AddSftpServer(o =>
            {
                o.Listen(IPAddress.Loopback, port);
                o.HostKeyDirectory = Path.Combine(root, "keys");
                o.Limits.MaxConnectionsPerHost = 0;
                o.Limits.ShutdownTimeout = TimeSpan.FromSeconds(2);
                var user = new SshUser { UserName = userName, Password = password, HomeDirectory = home };
                if (authorizedKeyFile is not null)
                {
                    user.AuthorizedKeys.Add(File.ReadAllText(authorizedKeyFile).Trim());
                }
                o.Users.Add(user);
            })
            .AddSftp();
        SlowHook? hook = null;
        if (slowRuleDelay > TimeSpan.Zero)
        {
            hook = new SlowHook(slowRuleDelay);
            server.AddEventRules();
        }
        var host = builder.Build();
        if (hook is not null)
        {
            await SlowRule.AddAsync(host.Services, hook.Url, slowRuleDelay);
        }
        await host.StartAsync(cancellationToken);
        int bound = ((IPEndPoint)host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
        return new LoadServer(host, bound, hook);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (_hook is not null)
        {
            await _hook.DisposeAsync();
        }
    }
}
