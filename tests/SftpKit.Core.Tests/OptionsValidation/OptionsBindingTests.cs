using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SftpKit.Events;
using SftpKit.Sftp;

namespace SftpKit.Tests.OptionsValidation;

/// <summary>
/// <see cref="SftpOptionsServiceCollectionExtensions.AddSftpKitOptions{TOptions}(IServiceCollection, string)"/> binds a
/// section when there is one, and a host with a bad option fails at start naming every bad option.
/// </summary>
public sealed class OptionsBindingTests
{
    private sealed class SampleOptions
    {
        public int Size { get; set; } = 7;

        public string? Name { get; set; }
    }

    [Fact]
    public void Without_configuration_or_without_the_section_the_defaults_stay()
    {
        var bare = new ServiceCollection();
        bare.AddSftpKitOptions<SampleOptions>("App:Sample");
        using (var provider = bare.BuildServiceProvider())
        {
            Assert.Equal(7, provider.GetRequiredService<IOptions<SampleOptions>>().Value.Size);
        }

        var other = new ServiceCollection();
        other.AddSingleton<IConfiguration>(Configuration(("App:Other:Size", "3")));
        other.AddSftpKitOptions<SampleOptions>("App:Sample");
        using (var provider = other.BuildServiceProvider())
        {
            Assert.Equal(7, provider.GetRequiredService<IOptions<SampleOptions>>().Value.Size);
        }
    }

    [Fact]
    public void Binds_the_section_before_later_callbacks_once_however_often_it_is_called()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration(("App:Sample:Size", "3"), ("App:Sample:Name", "from-config")));
        services.AddSftpKitOptions<SampleOptions>("App:Sample").Configure(o => o.Name += "+callback");
        services.AddSftpKitOptions<SampleOptions>("App:Sample");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SampleOptions>>().Value;
        Assert.Equal(3, options.Size);
        Assert.Equal("from-config+callback", options.Name);
        Assert.Single(services, d => d.ServiceType == typeof(IConfigureOptions<SampleOptions>) && d.ImplementationFactory is not null);
    }

    [Fact]
    public void A_configuration_reload_rebinds_the_monitor()
    {
        var configuration = Configuration(("App:Sample:Size", "3"));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSftpKitOptions<SampleOptions>("App:Sample");
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<SampleOptions>>();
        Assert.Equal(3, monitor.CurrentValue.Size);

        configuration["App:Sample:Size"] = "5";
        configuration.Reload();

        Assert.Equal(5, monitor.CurrentValue.Size);
    }

    [Fact]
    public async Task A_host_with_bad_event_options_in_configuration_fails_at_start_naming_both()
    {
        var error = await StartFailure(new()
        {
            ["SftpKit:Events:PreEventTimeout"] = "00:00:00",
            ["SftpKit:Events:PostEventQueueCapacity"] = "0",
        });

        Assert.Equal(typeof(SftpEventOptions), error.OptionsType);
        Assert.Equal(["Events.PreEventTimeout must be positive.", "Events.PostEventQueueCapacity must be between 1 and 1048576."], error.Failures);
    }

    [Fact]
    public async Task A_host_with_bad_server_options_fails_at_start_with_every_validators_errors_in_one_exception()
    {
        var error = await StartFailure(new()
        {
            ["SftpKit:Limits:MaxAuthAttempts"] = "0",
            ["SftpKit:Defender:Threshold"] = "0",
        });

        Assert.Equal(typeof(SftpServerOptions), error.OptionsType);
        Assert.Contains("Limits.MaxAuthAttempts must be at least 1.", error.Failures);
        Assert.Contains("Defender.Threshold must be at least 1.", error.Failures);
    }

    [Fact]
    public async Task A_host_with_bad_sftp_options_fails_at_start_naming_both()
    {
        var error = await StartFailure([], server => server.AddSftp(o => { o.MaxInFlightRequests = 0; o.ReorderWindowBytes = -1; }));

        Assert.Equal(typeof(SftpSubsystemOptions), error.OptionsType);
        Assert.Equal(["SftpSubsystemOptions.MaxInFlightRequests must be at least 1.", "SftpSubsystemOptions.ReorderWindowBytes must not be negative."], error.Failures);
    }

    private static async Task<OptionsValidationException> StartFailure(Dictionary<string, string?> configuration, Action<ISftpServerBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        var server = builder.Services.AddSftpServer(o => o.HostKeyDirectory = Path.GetTempPath());
        configure?.Invoke(server);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private static IConfigurationRoot Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
