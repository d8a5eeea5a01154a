using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Hosting.ProxyProtocol;

public sealed class ProxyProtocolOptionsTests
{
    [Fact]
    public void Binds_listener_mode_trusted_proxies_and_timeout_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Listen:0:Address"] = "0.0.0.0",
            ["SftpKit:Listen:0:Port"] = "2022",
            ["SftpKit:Listen:0:ProxyProtocol"] = "Required",
            ["SftpKit:Listen:1:Address"] = "127.0.0.1",
            ["SftpKit:Listen:1:Port"] = "2222",
            ["SftpKit:TrustedProxies:0"] = "10.0.0.5",
            ["SftpKit:TrustedProxies:1"] = "2001:db8::/64",
            ["SftpKit:Limits:ProxyHeaderTimeout"] = "00:00:02",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSftpServer(_ => { });
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SftpServerOptions>>().Value;

        Assert.Equal([SftpProxyProtocolMode.Required, SftpProxyProtocolMode.Off], options.Endpoints.Select(e => e.ProxyProtocol));
        Assert.Equal(["10.0.0.5", "2001:db8::/64"], options.TrustedProxies);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Limits.ProxyHeaderTimeout);
    }

    [Fact]
    public void Defaults_are_off_with_no_trusted_proxies_and_five_seconds()
    {
        var options = new SftpServerOptions();
        Assert.Equal(SftpProxyProtocolMode.Off, new SshEndpoint().ProxyProtocol);
        Assert.Empty(options.TrustedProxies);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Limits.ProxyHeaderTimeout);
    }

    [Fact]
    public void Validation_names_every_proxy_protocol_error()
    {
        var services = new ServiceCollection();
        services.AddSftpServer(o =>
        {
            o.Listen(System.Net.IPAddress.Loopback, 0, SftpProxyProtocolMode.Optional);
            o.Endpoints.Add(new SshEndpoint { Address = "127.0.0.1", Port = 0, ProxyProtocol = (SftpProxyProtocolMode)7 });
            o.Limits.ProxyHeaderTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpServerOptions>>().Value);
        string all = string.Join("\n", ex.Failures);
        Assert.Contains("Listen[0].ProxyProtocol is Optional but TrustedProxies is empty", all, StringComparison.Ordinal);
        Assert.Contains("Listen[1].ProxyProtocol must be Off, Optional or Required", all, StringComparison.Ordinal);
        Assert.Contains("Limits.ProxyHeaderTimeout", all, StringComparison.Ordinal);

        services = new ServiceCollection();
        services.AddSftpServer(o =>
        {
            o.Listen(System.Net.IPAddress.Loopback, 0, SftpProxyProtocolMode.Required);
            o.TrustedProxies.Add("10.0.0.0/33");
            o.TrustedProxies.Add("balancer.example");
        });
        using var provider2 = services.BuildServiceProvider();
        ex = Assert.Throws<OptionsValidationException>(() => provider2.GetRequiredService<IOptions<SftpServerOptions>>().Value);
        all = string.Join("\n", ex.Failures);
        Assert.Contains("TrustedProxies[0] '10.0.0.0/33'", all, StringComparison.Ordinal);
        Assert.Contains("TrustedProxies[1] 'balancer.example'", all, StringComparison.Ordinal);
        Assert.DoesNotContain("TrustedProxies is empty", all, StringComparison.Ordinal);
    }
}
