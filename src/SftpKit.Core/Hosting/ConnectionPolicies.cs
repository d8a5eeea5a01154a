
using SftpKit.Sessions;
namespace SftpKit.Hosting;

/// <summary>
/// What the server consults around each connection: the registry (with the connection caps), the defender, the
/// session limiter, metrics, the clock and the trusted load balancers. One DI singleton, so the server's
/// constructor does not grow with every policy.
/// </summary>
internal sealed class ConnectionPolicies
{
    public ConnectionPolicies(SftpConnectionRegistry registry, ISftpDefender defender, ISftpSessionLimiter sessionLimiter,
        SftpMetrics metrics, TimeProvider time, Networking.TrustedProxyList trustedProxies)
    {
        TrustedProxies = trustedProxies;
        Registry = registry;
        Defender = defender;
        SessionLimiter = sessionLimiter;
        Metrics = metrics;
        Time = time;
    }

    public SftpConnectionRegistry Registry { get; }

    public ISftpDefender Defender { get; }

    public ISftpSessionLimiter SessionLimiter { get; }

    public SftpMetrics Metrics { get; }

    public TimeProvider Time { get; }

    public Networking.TrustedProxyList TrustedProxies { get; }
}
