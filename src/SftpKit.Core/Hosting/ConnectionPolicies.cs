
using SftpKit.Sessions;
using SftpKit.Ssh.Server;

namespace SftpKit.Hosting;

/// <summary>
/// What the server consults around each connection: the registry (with the connection caps), the defender, the
/// session limiter, metrics, the clock and the trusted load balancers. One DI singleton, so the server's
/// constructor does not grow with every policy. The SSH layer sees it as <see cref="ISshConnectionPolicies"/>.
/// </summary>
internal sealed class ConnectionPolicies : ISshConnectionPolicies
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
