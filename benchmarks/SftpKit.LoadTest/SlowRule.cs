using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events.Rules;

namespace SftpKit.LoadTest;

/// <summary>The rule of the event-rules measurement: every upload → an asynchronous HTTP action to the slow hook.</summary>
internal static class SlowRule
{
    public static async Task AddAsync(IServiceProvider services, Uri hook, TimeSpan delay)
    {
        var store = services.GetRequiredService<ISftpEventRuleStore>();
        await store.CreateActionAsync(new SftpEventAction
        {
            Name = "slow-hook",
            Type = SftpEventActionType.Http,
            Options = new SftpEventActionSettings
            {
                Http = new SftpHttpActionSettings
                {
                    Endpoint = hook.ToString(),
                    Body = "{\"path\":\"{{VirtualPath}}\",\"size\":\"{{FileSize}}\"}",
                    TimeoutSeconds = (int)Math.Ceiling(delay.TotalSeconds) + 10,
                    MaxRetries = 0,
                },
            },
        }, CancellationToken.None);
        await store.CreateRuleAsync(new SftpEventRule
        {
            Name = "every-upload",
            Conditions = new SftpEventRuleConditions { FsEvents = ["upload"] },
            Actions = [new SftpEventRuleAction { Name = "slow-hook", Order = 1 }],
        }, CancellationToken.None);
    }
}
