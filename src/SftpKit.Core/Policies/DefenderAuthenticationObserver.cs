using SftpKit.Sessions;
using System.Net;
using Microsoft.Extensions.Logging;
using SftpKit.Networking;

namespace SftpKit.Policies;

/// <summary>
/// Feeds failed logins to <see cref="ISftpDefender"/> (whichever implementation is registered). The in-memory
/// defender completes synchronously; a slower one is awaited off the connection's loop and its failures logged.
/// </summary>
internal sealed class DefenderAuthenticationObserver : ISshAuthenticationObserver
{
    private readonly ISftpDefender _defender;
    private readonly ILogger _logger;
    private readonly TrustedProxyList? _trustedProxies;

    public DefenderAuthenticationObserver(ISftpDefender defender, ILogger<DefenderAuthenticationObserver> logger,
        TrustedProxyList? trustedProxies = null)
    {
        _defender = defender;
        _logger = logger;
        _trustedProxies = trustedProxies;
    }

    public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal)
    {
    }

    public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason)
    {
        // A trusted proxy's own address (a connection without a PROXY header) is never scored: a ban would lock out
        // every client behind it.
        if ((context.RemoteEndPoint as IPEndPoint)?.Address is not { } address || _trustedProxies?.Contains(address) == true)
        {
            return;
        }
        var kind = reason switch
        {
            SshAuthFailureReason.UnknownUser => SftpDefenderEvent.UnknownUser,
            SshAuthFailureReason.LimitReached => SftpDefenderEvent.LimitExceeded,
            _ => SftpDefenderEvent.InvalidCredentials,
        };
        var pending = _defender.AddEventAsync(address, kind, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(pending, context.ConnectionId);
        }
    }

    private async Task ObserveAsync(ValueTask pending, string connectionId)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing defender store must not end the connection; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PoliciesLog.DefenderFailed(_logger, connectionId, ex);
        }
    }
}

/// <summary>Counts logins for the <c>sftpkit.logins</c> metric.</summary>
internal sealed class LoginMetricsObserver : ISshAuthenticationObserver
{
    private readonly SftpMetrics _metrics;

    public LoginMetricsObserver(SftpMetrics metrics) => _metrics = metrics;

    public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal)
        => _metrics.RecordLogin(method, SshAuthFailureReason.None);

    public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason)
        => _metrics.RecordLogin(method, reason);
}
