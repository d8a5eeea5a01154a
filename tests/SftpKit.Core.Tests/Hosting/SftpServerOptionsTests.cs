using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Hosting;

public sealed class SftpServerOptionsTests
{
    [Fact]
    public void Binds_from_the_SftpKit_section_including_listen_and_algorithm_lists()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Listen:0:Address"] = "127.0.0.1",
            ["SftpKit:Listen:0:Port"] = "2222",
            ["SftpKit:ServerVersion"] = "Custom_2",
            ["SftpKit:Limits:MaxAuthAttempts"] = "3",
            ["SftpKit:Limits:IdleTimeout"] = "00:05:00",
            ["SftpKit:Algorithms:Ciphers:0"] = "aes256-gcm@openssh.com",
            ["SftpKit:Users:0:UserName"] = "bob",
            ["SftpKit:Users:0:Password"] = "pw",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSftpServer(o => o.Limits.MaxChannelsPerConnection = 4);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SftpServerOptions>>().Value;

        var endpoint = Assert.Single(options.Endpoints);
        Assert.Equal("127.0.0.1", endpoint.Address);
        Assert.Equal(2222, endpoint.Port);
        Assert.Equal("Custom_2", options.ServerVersion);
        Assert.Equal(3, options.Limits.MaxAuthAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Limits.IdleTimeout);
        Assert.Equal(4, options.Limits.MaxChannelsPerConnection);
        Assert.Equal(["aes256-gcm@openssh.com"], options.Algorithms.Ciphers);
        Assert.Equal(SshAlgorithmOptions.DefaultMacs, options.Algorithms.Macs);
        Assert.Equal("bob", Assert.Single(options.Users).UserName);
    }

    [Fact]
    public void Default_macs_offer_etm_first_then_the_encrypt_and_mac_forms_libssh2_needs()
    {
        var options = new SftpServerOptions();

        Assert.Equal(
            ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256", "hmac-sha2-512"],
            options.Algorithms.Macs);
        Assert.DoesNotContain(options.Algorithms.Macs, m => m.Contains("sha1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_reports_every_error_at_once_naming_the_field()
    {
        var services = new ServiceCollection();
        services.AddSftpServer(o =>
        {
            o.Endpoints.Add(new SshEndpoint { Address = "not-an-ip", Port = 70000 });
            o.Algorithms.Ciphers.Add("rot13");
            o.Limits.MaxPacketSize = 100;
            o.Limits.MaxAuthAttempts = 0;
            o.ServerVersion = "has space";
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpServerOptions>>().Value);
        string all = string.Join("\n", ex.Failures);
        Assert.Contains("Listen[0].Address", all, StringComparison.Ordinal);
        Assert.Contains("Listen[0].Port", all, StringComparison.Ordinal);
        Assert.Contains("Algorithms.Ciphers: 'rot13'", all, StringComparison.Ordinal);
        Assert.Contains("Limits.MaxPacketSize", all, StringComparison.Ordinal);
        Assert.Contains("Limits.MaxAuthAttempts", all, StringComparison.Ordinal);
        Assert.Contains("ServerVersion", all, StringComparison.Ordinal);
        Assert.True(ex.Failures.Count() >= 6);
    }

    [Fact]
    public async Task Host_start_fails_on_invalid_options_and_generates_host_keys_when_valid()
    {
        var bad = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        bad.Services.AddSftpServer(o => o.Limits.RekeyBytes = 1);
        using (var host = bad.Build())
        {
            await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        }

        string keys = Path.Combine(Path.GetTempPath(), "sftpkit-keys-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string[] first;
            for (int run = 0; run < 2; run++)
            {
                var good = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                good.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyDirectory = keys;
                });
                using var host = good.Build();
                await host.StartAsync();
                var server = host.Services.GetRequiredService<ISftpServer>();
                Assert.True(((IPEndPoint)server.EndPoints[0]).Port > 0);
                await host.StopAsync();
                first = Directory.GetFiles(keys, "ssh_host_*_key").Select(Path.GetFileName).Order().ToArray()!;
                Assert.Equal(["ssh_host_ecdsa_key", "ssh_host_ed25519_key", "ssh_host_rsa_key"], first);
                foreach (var file in Directory.GetFiles(keys, "ssh_host_*_key"))
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                }
            }
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
