using SftpKit.Sessions;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Events;
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
        services.TryAddSingleton<ISftpDefender>(sp =>
        {
            var defender = new InMemoryDefender(sp.GetRequiredService<IOptions<SftpServerOptions>>().Value.Defender,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SftpMetrics>(), sp.GetRequiredService<ILogger<InMemoryDefender>>(),
                // Resolved at the ban, not here: the dispatcher's handlers may depend on what depends on the defender.
                (address, until) => RaiseIpBlocked(sp.GetService<ISftpEventDispatcher>(), address, until));
            // A configuration reload that validates replaces the lists and scores (the defender lives as long as the host).
            sp.GetService<IOptionsMonitor<SftpServerOptions>>()?.OnChange(o => defender.Reconfigure(o.Defender));
            return defender;
        });
        services.TryAddSingleton(sp => new Networking.TrustedProxyList(() => sp.GetRequiredService<IOptions<SftpServerOptions>>().Value.TrustedProxies));
        services.TryAddSingleton<ConnectionPolicies>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, DefenderAuthenticationObserver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISshAuthenticationObserver, LoginMetricsObserver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SftpServerOptions>, SftpDefenderOptionsValidator>());
    }

    /// <summary>Raises the <see cref="SftpEventKind.IpBlocked"/> post-event of a ban (<c>banned_until</c> in its properties).</summary>
    internal static void RaiseIpBlocked(ISftpEventDispatcher? dispatcher, System.Net.IPAddress address, DateTimeOffset until)
        => dispatcher?.RaisePost(new SftpEvent
        {
            Kind = SftpEventKind.IpBlocked,
            Protocol = SftpEventProtocol.Server,
            RemoteAddress = address.ToString(),
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["banned_until"] = until.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
        });
}
