using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.Admin;

/// <summary>
/// <see cref="SftpEventActionType.Backup"/>: dumps every store that is registered (accounts with quota usage, folders,
/// groups, roles, admins and API keys, shares, second factors and tokens; see <see cref="SftpAccountBackup.DumpAsync"/>)
/// into <see cref="SftpBackupActionSettings.Directory"/> (an absolute server path, created when missing), as
/// <c>backup_&lt;day of week&gt;_&lt;hour&gt;_&lt;minute&gt;.json</c> in the server's local time (so a week of backups
/// rotates by itself). The file is written atomically (a temporary file, mode 0600, flushed to disk, then renamed over
/// the previous one). The dump holds password hashes: keep the directory private. Without a directory the action fails.
/// It sits in the Admin layer (it dumps the admin stores), so it is registered by <see cref="Register"/>, beside
/// <c>Events.Rules.Actions.BuiltInEventActions.Register</c>.
/// </summary>
internal sealed class BackupEventAction : ISftpEventActionExecutor
{
    public SftpEventActionType Type => SftpEventActionType.Backup;

    /// <summary>Adds this executor as an <see cref="ISftpEventActionExecutor"/> singleton (once, however often called).</summary>
    public static void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, BackupEventAction>());
    }

    /// <summary>The file name for a backup made at <paramref name="localTime"/>, e.g. <c>backup_Monday_4_35.json</c>.</summary>
    public static string FileName(DateTimeOffset localTime)
        => string.Create(CultureInfo.InvariantCulture, $"backup_{localTime.DayOfWeek}_{localTime.Hour}_{localTime.Minute}.json");

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? directory = context.Action.Options.Backup?.Directory;
        if (string.IsNullOrWhiteSpace(directory) || !Path.IsPathFullyQualified(directory))
        {
            throw new SftpEventActionException("the backup action needs an absolute directory");
        }
        T? Get<T>() where T : class => context.Services.GetService(typeof(T)) as T;
        var users = Get<ISftpUserStore>() ?? throw new SftpEventActionException("no account store is registered");
        var time = Get<TimeProvider>() ?? TimeProvider.System;
        string path = Path.Combine(directory, FileName(time.GetLocalNow()));
        try
        {
            await JsonFileWriter.WriteAtomicallyAsync(path, (stream, ct) => SftpAccountBackup.DumpAsync(users, stream, Get<ISftpQuotaStore>(),
                Get<ISftpFolderStore>(), Get<ISftpAdminStore>(), Get<ISftpShareStore>(), Get<ISftpGroupStore>(), Get<ISftpCredentialStore>(),
                Get<ISftpRoleStore>(), Get<SftpKit.Events.Rules.ISftpEventRuleStore>(), Get<ISftpSecretProtector>(), ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SftpEventActionException("the backup file could not be written", ex);
        }
    }
}
