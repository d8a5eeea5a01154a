using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Events.Rules;

/// <summary>
/// Runs a <see cref="SftpEventActionType.DataRetentionCheck"/> action: the data retention check
/// (<see cref="SftpRetentionCheck"/>) of the run's account with the action's folders (path and hours; a folder with
/// 0 hours keeps its files). <see cref="SftpRetentionFolder.DeleteEmptyDirectories"/> is not applied (the check deletes
/// files only). Fails when the account does not exist, a folder is invalid, or a file could not be deleted.
/// </summary>
internal sealed class RetentionEventActionExecutor : ISftpEventActionExecutor
{
    private readonly IServiceProvider _services;

    public RetentionEventActionExecutor(IServiceProvider services) => _services = services;

    public SftpEventActionType Type => SftpEventActionType.DataRetentionCheck;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.Retention ?? throw new SftpEventActionException("the action has no retention settings");
        if (string.IsNullOrEmpty(context.UserName))
        {
            throw new SftpEventActionException("the action needs an account");
        }
        var check = _services.GetService<SftpRetentionCheck>() ?? throw new SftpEventActionException("no account store is registered");
        var policies = settings.Folders.Select(f => new SftpRetentionPolicy { Path = context.Render(f.Path), Retention = f.RetentionHours }).ToList();
        if (SftpRetentionCheck.Validate(policies) is { Count: > 0 } problems)
        {
            throw new SftpEventActionException("invalid retention folders: " + problems[0].Message);
        }
        var result = await check.RunAsync(context.UserName, policies, cancellationToken).ConfigureAwait(false)
            ?? throw new SftpEventActionException("the account does not exist");
        if (result.Errors > 0)
        {
            throw new SftpEventActionException($"the retention check could not delete or read {result.Errors} entries");
        }
    }
}
