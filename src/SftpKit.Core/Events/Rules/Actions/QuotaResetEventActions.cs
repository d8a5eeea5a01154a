using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Policies;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// <see cref="SftpEventActionType.UserQuotaReset"/>: rescans the storage of each account the run applies to (see
/// <see cref="EventActionTargets"/>) with <see cref="SftpQuotaManager.ScanAsync"/> and stores the usage. Every account is
/// tried; the action fails afterwards naming those whose scan failed.
/// </summary>
internal sealed class UserQuotaResetEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.UserQuotaReset;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var manager = context.Services.GetService(typeof(SftpQuotaManager)) as SftpQuotaManager
            ?? throw new SftpEventActionException("no quota manager is registered (register an account store)");
        var failed = new List<string>();
        await foreach (var account in EventActionTargets.AccountsAsync(context, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await manager.ScanAsync(account.UserName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is VfsException or InvalidOperationException or IOException)
            {
                failed.Add(account.UserName);
            }
        }
        if (failed.Count > 0)
        {
            throw new SftpEventActionException("quota scan failed for " + EventActionTargets.List(failed));
        }
    }
}

/// <summary>
/// <see cref="SftpEventActionType.FolderQuotaReset"/>: rescans the storage of each virtual folder the run applies to
/// (the folder of a folder provider event, else every folder whose name matches the rule's name patterns) and stores
/// its usage. Every folder is tried; the action fails afterwards naming those whose scan failed.
/// </summary>
internal sealed class FolderQuotaResetEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.FolderQuotaReset;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var manager = context.Services.GetService(typeof(SftpQuotaManager)) as SftpQuotaManager
            ?? throw new SftpEventActionException("no quota manager is registered (register an account store)");
        var failed = new List<string>();
        await foreach (var folder in EventActionTargets.FoldersAsync(context, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await manager.ScanFolderAsync(folder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is VfsException or InvalidOperationException or IOException)
            {
                failed.Add(folder.Name);
            }
        }
        if (failed.Count > 0)
        {
            throw new SftpEventActionException("quota scan failed for folder " + EventActionTargets.List(failed));
        }
    }
}

/// <summary>
/// <see cref="SftpEventActionType.TransferQuotaReset"/>: sets the upload and download counters of the current
/// data-transfer period (<see cref="SftpDataTransferUsage"/>) of each account the run applies to back to zero.
/// </summary>
internal sealed class TransferQuotaResetEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.TransferQuotaReset;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var quotas = context.Services.GetService(typeof(ISftpQuotaStore)) as ISftpQuotaStore
            ?? throw new SftpEventActionException("no quota store is registered");
        var now = (context.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System).GetUtcNow();
        await foreach (var account in EventActionTargets.AccountsAsync(context, cancellationToken).ConfigureAwait(false))
        {
            var (upload, download) = SftpDataTransferUsage.Owners(account.UserName, account.DataTransferPeriod, now);
            await quotas.SetAsync(upload, new SftpQuotaUsage(0, 0), cancellationToken).ConfigureAwait(false);
            await quotas.SetAsync(download, new SftpQuotaUsage(0, 0), cancellationToken).ConfigureAwait(false);
        }
    }
}
