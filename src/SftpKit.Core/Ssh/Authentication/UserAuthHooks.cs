using Microsoft.Extensions.Logging;
using SftpKit.Hosting;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// What the server adds around each authentication decision: the observers told of every outcome, the gate a
/// success must pass before USERAUTH_SUCCESS (maximum sessions), and the pause after a failed password.
/// </summary>
internal sealed class UserAuthHooks
{
    private readonly IReadOnlyList<ISshAuthenticationObserver> _observers;
    private readonly Func<SshAuthContext, SshPrincipal, CancellationToken, ValueTask<bool>> _admit;

    public UserAuthHooks(IReadOnlyList<ISshAuthenticationObserver> observers,
        Func<SshAuthContext, SshPrincipal, CancellationToken, ValueTask<bool>> admit, TimeSpan failedPasswordDelay, TimeProvider time)
    {
        _observers = observers;
        _admit = admit;
        FailedPasswordDelay = failedPasswordDelay;
        Time = time;
    }

    public TimeSpan FailedPasswordDelay { get; }

    public TimeProvider Time { get; }

    public ValueTask<bool> AdmitAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken)
        => _admit(context, principal, cancellationToken);

    public void NotifySucceeded(ILogger logger, SshAuthContext context, string method, SshPrincipal principal)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnSucceeded(context, method, principal);
            }
#pragma warning disable CA1031 // Observers must not throw; one that does is logged and the login goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.AuthenticationObserverFailed(logger, context.ConnectionId, ex);
            }
        }
    }

    public void NotifyFailed(ILogger logger, SshAuthContext context, string method, SshAuthFailureReason reason)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnFailed(context, method, reason);
            }
#pragma warning disable CA1031 // Observers must not throw; one that does is logged and the attempt goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.AuthenticationObserverFailed(logger, context.ConnectionId, ex);
            }
        }
    }
}
