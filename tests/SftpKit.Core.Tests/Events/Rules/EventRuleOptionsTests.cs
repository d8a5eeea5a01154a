using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Events.Rules;

namespace SftpKit.Tests.Events.Rules;

public class EventRuleOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<SftpEventRuleOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSftpServer().AddEventRules(configure);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void BindsTheSection_ThenTheCallback()
    {
        using var provider = Build(new()
        {
            ["SftpKit:EventRules:QueueCapacity"] = "16",
            ["SftpKit:EventRules:Concurrency"] = "2",
            ["SftpKit:EventRules:AllowedCommands:0"] = "/usr/bin/true",
        }, o => o.Concurrency = 3);
        var options = provider.GetRequiredService<IOptions<SftpEventRuleOptions>>().Value;
        Assert.Equal(16, options.QueueCapacity);
        Assert.Equal(3, options.Concurrency);
        Assert.Equal(["/usr/bin/true"], options.AllowedCommands);
        Assert.Equal(TimeSpan.FromSeconds(10), options.CacheDuration);
        Assert.Equal(TimeSpan.FromDays(7), options.RunRetention);
    }

    [Fact]
    public void InvalidOptions_ReportEveryProblem()
    {
        using var provider = Build(new()
        {
            ["SftpKit:EventRules:QueueCapacity"] = "0",
            ["SftpKit:EventRules:RunRetention"] = "00:00:10",
            ["SftpKit:EventRules:AllowedCommands:0"] = "relative/tool",
        });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SftpEventRuleOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("QueueCapacity", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("RunRetention", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("relative/tool", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultStores_AreReplaceable_AndTheLastExecutorOfATypeWins()
    {
        var store = new InMemoryEventRuleStore();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISftpEventRuleStore>(store);
        services.AddSftpServer().AddEventRules().AddEventActionExecutor<FakeHttpExecutor>();
        using var provider = services.BuildServiceProvider();

        Assert.Same(store, provider.GetRequiredService<ISftpEventRuleStore>());
        var last = provider.GetServices<ISftpEventActionExecutor>().Last(e => e.Type == SftpEventActionType.Http);
        Assert.IsType<FakeHttpExecutor>(last);
    }

    private sealed class FakeHttpExecutor : ISftpEventActionExecutor
    {
        public SftpEventActionType Type => SftpEventActionType.Http;

        public Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
