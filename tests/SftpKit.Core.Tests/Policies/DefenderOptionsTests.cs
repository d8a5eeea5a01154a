using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SftpKit.Tests.Policies;

public sealed class DefenderOptionsTests
{
    [Fact]
    public void Binds_the_Defender_section_and_the_per_host_limit()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Defender:Threshold"] = "7",
            ["SftpKit:Defender:BanTime"] = "01:00:00",
            ["SftpKit:Defender:SafeList:0"] = "10.0.0.0/8",
            ["SftpKit:Defender:BlockList:0"] = "192.0.2.1",
            ["SftpKit:Limits:MaxConnectionsPerHost"] = "5",
            ["SftpKit:Users:0:UserName"] = "bob",
            ["SftpKit:Users:0:MaxSessions"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSftpServer();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SftpServerOptions>>().Value;

        Assert.Equal(7, options.Defender.Threshold);
        Assert.Equal(TimeSpan.FromHours(1), options.Defender.BanTime);
        Assert.Equal(["10.0.0.0/8"], options.Defender.SafeList);
        Assert.Equal(["192.0.2.1"], options.Defender.BlockList);
        Assert.Equal(5, options.Limits.MaxConnectionsPerHost);
        Assert.Equal(2, Assert.Single(options.Users).MaxSessions);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Defender.FailedPasswordDelay);
    }

    [Fact]
    public void Validation_names_each_bad_defender_field_together_with_other_errors()
    {
        var services = new ServiceCollection();
        services.AddSftpServer(o =>
        {
            o.Limits.MaxAuthAttempts = 0;
            o.Limits.MaxConnectionsPerHost = -1;
            o.Defender.Threshold = 0;
            o.Defender.EntriesHardLimit = 10;
            o.Defender.SafeList.Add("10.0.0.0/40");
            o.Defender.BlockList.Add("nope");
        });
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpServerOptions>>().Value);
        string all = string.Join("\n", ex.Failures);
        Assert.Contains("Limits.MaxAuthAttempts", all, StringComparison.Ordinal);
        Assert.Contains("Limits.MaxConnectionsPerHost", all, StringComparison.Ordinal);
        Assert.Contains("Defender.Threshold", all, StringComparison.Ordinal);
        Assert.Contains("Defender.EntriesHardLimit", all, StringComparison.Ordinal);
        Assert.Contains("Defender.SafeList[0] '10.0.0.0/40'", all, StringComparison.Ordinal);
        Assert.Contains("Defender.BlockList[0] 'nope'", all, StringComparison.Ordinal);
    }
}
