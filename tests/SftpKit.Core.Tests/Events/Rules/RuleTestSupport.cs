using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.Tests.Events.Rules;

internal static class RuleTestSupport
{
    /// <summary>Services with the server, the event rules (fast retries, one worker) and <paramref name="configure"/>.</summary>
    public static ServiceProvider Services(Action<SftpEventRuleOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer().AddEventRules(o =>
        {
            o.HttpRetryDelay = TimeSpan.FromMilliseconds(10);
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    public static SftpEventAction Http(string name, Uri url, string? body = null, int retries = 0) => new()
    {
        Name = name,
        Type = SftpEventActionType.Http,
        Options = new SftpEventActionSettings
        {
            Http = new SftpHttpActionSettings
            {
                Endpoint = url.ToString(),
                Method = "POST",
                Body = body ?? "{\"rule\":\"{{RuleName}}\",\"event\":\"{{Event}}\",\"name\":\"{{Name}}\",\"path\":\"{{VirtualPath}}\",\"ip\":\"{{IP}}\"}",
                Headers = [new SftpKeyValue { Key = "Content-Type", Value = "application/json" }],
                MaxRetries = retries,
                TimeoutSeconds = 10,
            },
        },
    };

    public static SftpEventAction Command(string name, string program, params string[] arguments) => new()
    {
        Name = name,
        Type = SftpEventActionType.Command,
        Options = new SftpEventActionSettings
        {
            Command = new SftpCommandActionSettings { Command = program, Arguments = [.. arguments], TimeoutSeconds = 10 },
        },
    };

    public static SftpEventRuleAction Use(string action, int order, bool sync = false, bool stop = false, bool failure = false)
        => new() { Name = action, Order = order, ExecuteSync = sync, StopOnFailure = stop, IsFailureAction = failure };

    public static async Task AddAsync(IServiceProvider services, SftpEventRule rule, params SftpEventAction[] actions)
    {
        var store = services.GetRequiredService<ISftpEventRuleStore>();
        foreach (var action in actions)
        {
            await store.CreateActionAsync(action, CancellationToken.None);
        }
        await store.CreateRuleAsync(rule, CancellationToken.None);
        services.GetRequiredService<ISftpEventRuleEngine>().Invalidate();
    }

    public static async Task<List<SftpEventRun>> RunsAsync(IServiceProvider services, string rule)
    {
        var list = new List<SftpEventRun>();
        await foreach (var run in services.GetRequiredService<ISftpEventRunStore>().QueryAsync(new SftpEventRunQuery { Rule = rule }, CancellationToken.None))
        {
            list.Add(run);
        }
        return list;
    }

    /// <summary>Polls the run store until <paramref name="count"/> runs of <paramref name="rule"/> are recorded.</summary>
    public static async Task<List<SftpEventRun>> WaitForRunsAsync(IServiceProvider services, string rule, int count = 1)
    {
        using var deadline = new CancellationTokenSource(EventTestSupport.Patience);
        while (true)
        {
            var runs = await RunsAsync(services, rule);
            if (runs.Count >= count)
            {
                return runs;
            }
            await Task.Delay(20, deadline.Token);
        }
    }
}
