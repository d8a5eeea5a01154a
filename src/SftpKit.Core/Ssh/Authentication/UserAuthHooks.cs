namespace SftpKit.Ssh.Authentication;

/// <summary>
/// What the connection adds around each authentication decision: the gate a success must pass before
/// USERAUTH_SUCCESS (maximum sessions), and the pause after a failed password.
/// </summary>
internal sealed class UserAuthHooks
{
    private readonly Func<SshAuthContext, SshPrincipal, CancellationToken, ValueTask<bool>> _admit;

    public UserAuthHooks(Func<SshAuthContext, SshPrincipal, CancellationToken, ValueTask<bool>> admit, TimeSpan failedPasswordDelay, TimeProvider time)
    {
        _admit = admit;
        FailedPasswordDelay = failedPasswordDelay;
        Time = time;
    }

    public TimeSpan FailedPasswordDelay { get; }

    public TimeProvider Time { get; }

    public ValueTask<bool> AdmitAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken)
        => _admit(context, principal, cancellationToken);
}
