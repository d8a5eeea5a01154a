using SftpKit.Sessions;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Policies;

namespace SftpKit.Hosting;

/// <summary>Default registrations of the connection registry, limits, defender and metrics (all replaceable).</summary>
internal static class ConnectionPoliciesRegistration
{
    public static void AddConnectionPolicies(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SftpMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<SftpConnectionRegistry>();
        services.TryAddSingleton<ISftpConnectionRegistry>(sp => sp.GetRequiredService<SftpConnectionRegistry>());
        services.TryAddSingleton<ISftpSessionLimiter, InMemorySessionLimiter>();
        services.TryAddSingleton<ISftpDefender>(sp => new InMemoryDefender(sp.GetRequiredService<IOptions<SftpServerOptions>>().Value.Defender,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SftpMetrics>(), sp.GetRequiredService<ILogger<InMemoryDefender>>()));
        services.TryAddSingleton(sp => new Networking.TrustedProxyList(() => sp.GetRequiredService<IOptions<SftpServerOptions>>().Value.TrustedProxies));
        services.TryAddSingleton<ConnectionPolicies>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, DefenderAuthenticationObserver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, LoginMetricsObserver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpServerOptions>, SftpDefenderOptionsValidator>());
    }
}
