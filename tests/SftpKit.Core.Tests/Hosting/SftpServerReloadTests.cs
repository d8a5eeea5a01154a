using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SftpKit.Ssh;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Hosting;

/// <summary>
/// A configuration reload reaches the running server through its options monitor: the per-host cap and the defender's
/// block list change for new connections; a value that fails validation changes nothing.
/// </summary>
public sealed class SftpServerReloadTests
{
    [Fact]
    public async Task Reloaded_limits_and_block_list_apply_to_new_connections()
    {
        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-reload-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Limits:MaxConnectionsPerHost"] = "1",
            ["SftpKit:Defender:Enabled"] = "false",
            ["SftpKit:HostKeyDirectory"] = keys,
        });
        builder.Services.AddSftpServer(o => o.Listen(IPAddress.Loopback, 0)).AddSftp();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            int port = ((IPEndPoint)host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
            var registry = host.Services.GetRequiredService<ISftpConnectionRegistry>();
            var root = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
            var memory = root.Providers.OfType<MemoryConfigurationProvider>().Single(p => p.TryGet("SftpKit:HostKeyDirectory", out _));

            using var first = await LoopbackPeer.ConnectAsync(port);
            Assert.True(await Eventually.TrueAsync(() => registry.Count == 1));
            using (var refused = await LoopbackPeer.ConnectAsync(port))
            {
                Assert.Equal(SshDisconnectReason.TooManyConnections, LoopbackPeer.FindDisconnect(await refused.ReadToEndAsync()));
            }

            // A reload that fails validation (MaxConnections must be at least 1) changes nothing, the valid part included.
            memory.Set("SftpKit:Limits:MaxConnectionsPerHost", "3");
            memory.Set("SftpKit:Limits:MaxConnections", "0");
            Assert.ThrowsAny<Exception>(root.Reload);
            using (var refused = await LoopbackPeer.ConnectAsync(port))
            {
                Assert.Equal(SshDisconnectReason.TooManyConnections, LoopbackPeer.FindDisconnect(await refused.ReadToEndAsync()));
            }

            memory.Set("SftpKit:Limits:MaxConnections", "100");
            root.Reload();
            using var second = await LoopbackPeer.ConnectAsync(port);
            Assert.True(await Eventually.TrueAsync(() => registry.Count == 2));

            // The block list: a listed address is dropped before the banner; taken off, it is admitted again.
            memory.Set("SftpKit:Defender:BlockList:0", "127.0.0.0/8");
            root.Reload();
            using (var blocked = await LoopbackPeer.ConnectAsync(port))
            {
                Assert.Empty(await blocked.ReadToEndAsync());
            }
            memory.Set("SftpKit:Defender:BlockList:0", "192.0.2.1");
            root.Reload();
            using var third = await LoopbackPeer.ConnectAsync(port);
            Assert.True(await Eventually.TrueAsync(() => registry.Count == 3));
        }
        finally
        {
            await host.StopAsync();
            Directory.Delete(keys, recursive: true);
        }
    }
}
