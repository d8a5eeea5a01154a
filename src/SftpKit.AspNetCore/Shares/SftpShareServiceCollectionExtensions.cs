using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Authentication;
using SftpKit.AspNetCore.Shares;
using SftpKit.Sftp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of share links.</summary>
public static class SftpShareServiceCollectionExtensions
{
    /// <summary>
    /// Registers what <c>MapSftpShares</c> and the web client's share pages need: <see cref="ShareService"/>, the
    /// admin API's services (<c>AddSftpAdmin</c>: its login guard's rate limit, <see cref="SftpKit.AspNetCore.SftpAdminOptions.LoginAttemptLimit"/>,
    /// also counts share password attempts, and the server's defender scores the wrong ones), antiforgery, data
    /// protection (the share session cookies; persist its keys for sessions to survive a restart) and an
    /// <see cref="InMemoryShareStore"/> unless a share store is registered (the JSON-file and SQL account stores
    /// register their own). Requires an SftpKit server with an account store. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddSftpShares(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(ShareAccess)))
        {
            return services;
        }
        services.AddSftpAdmin();
        services.AddAntiforgery();
        services.AddDataProtection();
        services.TryAddSingleton<AdminLoginGuard>();
        services.TryAddSingleton<ISftpShareStore>(_ => new InMemoryShareStore());
        services.TryAddSingleton(sp => new ShareOwners(sp.GetRequiredService<ISftpUserStore>(), sp.GetRequiredService<ISftpFileSystemProvider>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new ShareAccess(sp.GetRequiredService<ISftpShareStore>(), sp.GetRequiredService<ShareOwners>(),
            sp.GetRequiredService<IDataProtectionProvider>(), sp.GetRequiredService<AdminLoginGuard>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new ShareService(sp.GetRequiredService<ISftpShareStore>(), sp.GetRequiredService<ShareOwners>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
