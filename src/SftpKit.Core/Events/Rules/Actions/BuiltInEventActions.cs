using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// The action executors of the Events layer: file-system actions, quota and transfer-quota resets, and the password
/// expiration, account expiration and inactivity checks. The backup executor belongs to the Admin layer and is
/// registered by <c>Admin.BackupEventAction.Register</c>; e-mail comes with SftpKit.Events.Email (<c>AddEventEmail</c>);
/// HTTP, command and retention executors are registered with the rule engine.
/// </summary>
internal static class BuiltInEventActions
{
    /// <summary>Adds each executor as an <see cref="ISftpEventActionExecutor"/> singleton (once, however often called).</summary>
    public static void Register(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, FileSystemEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, UserQuotaResetEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, FolderQuotaResetEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, TransferQuotaResetEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, PasswordExpirationCheckEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, UserExpirationCheckEventAction>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpEventActionExecutor, UserInactivityCheckEventAction>());
    }
}
