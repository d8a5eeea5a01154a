using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Policies;
using SftpKit.Sftp;

namespace SftpKit.Hosting;

/// <summary>
/// Registers the one session pipeline every login goes through (account rules at login → storage → virtual folders →
/// policies → events): by <c>AddSftp()</c>, <c>AddScp()</c>, <c>AddHashCommands()</c> and the account stores alike, with
/// <c>TryAdd</c> so that whichever comes first registers it and a host's own registrations win.
/// </summary>
internal static class SessionPipelineRegistration
{
    public static void AddSessionPipeline(this IServiceCollection services)
    {
        services.AddSftpKitOptions<SftpPolicyOptions>(SftpServerBuilderExtensions.PolicyConfigurationSection)
            .Validate(o => LocalStorageProvider.TryParseUmask(o.Umask, out _),
                $"{SftpServerBuilderExtensions.PolicyConfigurationSection}:Umask must be an octal mode from 0 to 0777, such as \"022\".")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new SftpBandwidthLimiter(sp.GetRequiredService<IOptions<SftpPolicyOptions>>().Value, sp.GetService<TimeProvider>()));
        // Quota usage lives in the account store when it keeps it; without an account store, in memory.
        services.TryAddSingleton<InMemoryQuotaStore>();
        services.TryAddSingleton<ISftpQuotaStore>(QuotaStore);
        services.TryAddSingleton(sp => new SftpQuotaLedger(sp.GetRequiredService<ISftpQuotaStore>(), sp.GetService<ILogger<SftpQuotaLedger>>(), sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, LocalStorageProvider>(sp =>
            new LocalStorageProvider(sp.GetRequiredService<IOptions<SftpPolicyOptions>>().Value.CreateHomeDirectories, ServerUmask(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, EncryptedStorageProvider>(sp =>
            new EncryptedStorageProvider(sp.GetRequiredService<IOptions<SftpPolicyOptions>>().Value.CreateHomeDirectories, ServerUmask(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, MemoryStorageProvider>());
        services.TryAddSingleton<SftpAccountFileSystems>();
        services.TryAddSingleton(sp => new SftpAccountGroupResolver(sp.GetService<ISftpGroupStore>()));
        services.TryAddSingleton(sp => new EffectiveAccountResolver(sp.GetRequiredService<SftpAccountGroupResolver>()));
        services.TryAddSingleton<ISftpFileSystemProvider, AccountFileSystemProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshLoginAuthorizer, AccountLoginAuthorizer>());
    }

    /// <summary>SftpPolicyOptions.Umask, parsed (validated at start).</summary>
    private static uint ServerUmask(IServiceProvider services) =>
        LocalStorageProvider.TryParseUmask(services.GetRequiredService<IOptions<SftpPolicyOptions>>().Value.Umask, out uint umask)
            ? umask
            : throw new InvalidOperationException($"{SftpServerBuilderExtensions.PolicyConfigurationSection}:Umask must be an octal mode from 0 to 0777, such as \"022\".");

    private static ISftpQuotaStore QuotaStore(IServiceProvider services) => services.GetService<ISftpUserStore>() switch
    {
        null => services.GetRequiredService<InMemoryQuotaStore>(),
        ISftpQuotaStore store => store,
        _ => throw new InvalidOperationException("The user store does not keep quota usage; register an ISftpQuotaStore."),
    };
}
