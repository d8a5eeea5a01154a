using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>
/// What stands in front of the admin API's login surfaces (<c>POST /token</c>, API keys): a per-address rate limit
/// (<see cref="SftpAdminOptions.LoginAttemptLimit"/>) and the server's <see cref="ISftpDefender"/>, the same one SSH
/// logins feed, so failed admin logins add to the address's score and a banned or block-listed address is refused
/// before any credential is checked.
/// <para>
/// The limiter is System.Threading.RateLimiting's partitioned fixed window (what ASP.NET Core's <c>AddRateLimiter</c>
/// policies build), held here rather than registered with the rate limiting middleware: the login is protected
/// whether or not the host calls <c>UseRateLimiter()</c>, and the host's own policies, global limiter and rejection
/// callback are left alone.
/// </para>
/// </summary>
internal sealed class AdminLoginGuard : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _limiter;
    private readonly TimeSpan _window;
    private readonly ISftpDefender? _defender;
    private readonly ILogger _log;

    public AdminLoginGuard(IOptions<SftpAdminOptions> options, ILoggerFactory loggers, IServiceProvider services)
    {
        var o = options.Value;
        _window = o.LoginAttemptWindow;
        _defender = services.GetService<ISftpDefender>();
        _log = loggers.CreateLogger(AdminLog.Category);
        if (o.LoginAttemptLimit > 0)
        {
            int limit = o.LoginAttemptLimit;
            var window = o.LoginAttemptWindow;
            _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(key => RateLimitPartition.GetFixedWindowLimiter(key,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = window, QueueLimit = 0, AutoReplenishment = true }));
        }
    }

    /// <summary>
    /// Decides a login attempt before its credentials are looked at: null to go on, else the refusal to answer with.
    /// <paramref name="countAttempt"/> spends one of the address's attempts (a token request); false only checks that
    /// some are left (an API key, which spends one when it fails, see <see cref="FailedAsync"/>). The rate limit is
    /// checked first because it costs nothing, while a shared defender may ask a database.
    /// </summary>
    public async ValueTask<AdminLoginRefusal?> AdmitAsync(IPAddress? remote, bool countAttempt, CancellationToken cancellationToken)
    {
        if (_limiter is not null)
        {
            using var lease = _limiter.AttemptAcquire(PartitionKey(remote), countAttempt ? 1 : 0);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _window;
                AdminLog.LoginRateLimited(_log, remote, retryAfter);
                return AdminLoginRefusal.RateLimited(retryAfter);
            }
        }
        if (_defender is null || remote is null)
        {
            return null;
        }
        bool admitted;
        try
        {
            // Like an SSH connection from a banned host, each attempt extends the ban (BanTimeIncrement).
            admitted = await _defender.AdmitConnectionAsync(Normalize(remote), cancellationToken);
        }
#pragma warning disable CA1031 // A failing defender store refuses the login (fail closed) and is logged.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            AdminLog.DefenderFailed(_log, remote, ex);
            return AdminLoginRefusal.Unavailable;
        }
        if (!admitted)
        {
            AdminLog.LoginFromRefusedHost(_log, remote);
            return AdminLoginRefusal.Banned;
        }
        return null;
    }

    /// <summary>
    /// Records a failed login: scores it in the defender (ignored there for safe-listed addresses) and, when
    /// <paramref name="countAttempt"/> is set, spends one of the address's attempts. Scored even when the client has
    /// gone, so aborting a request does not dodge the score.
    /// </summary>
    public async ValueTask FailedAsync(IPAddress? remote, SftpDefenderEvent kind, bool countAttempt)
    {
        if (countAttempt && _limiter is not null)
        {
            _limiter.AttemptAcquire(PartitionKey(remote)).Dispose();
        }
        if (_defender is null || remote is null)
        {
            return;
        }
        try
        {
            await _defender.AddEventAsync(Normalize(remote), kind, CancellationToken.None);
        }
#pragma warning disable CA1031 // A failing defender store must not turn a refused login into a server error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AdminLog.DefenderFailed(_log, remote, ex);
        }
    }

    public void Dispose() => _limiter?.Dispose();

    /// <summary>
    /// The rate limit's partition: the IPv4 address, or the /64 network of an IPv6 one (a host is usually given a
    /// whole /64, so counting single addresses would let it rotate through them). Requests without an address (a
    /// Unix socket, an in-memory server) share one partition.
    /// </summary>
    internal static IPAddress PartitionKey(IPAddress? remote)
    {
        if (remote is null)
        {
            return IPAddress.None;
        }
        remote = Normalize(remote);
        if (remote.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return remote;
        }
        byte[] bytes = remote.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>IPv4-mapped IPv6 addresses (a dual-mode listener) count as their IPv4 address, as in the defender.</summary>
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
