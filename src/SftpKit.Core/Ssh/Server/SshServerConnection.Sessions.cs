namespace SftpKit.Ssh.Server;

/// <summary>The session gate before USERAUTH_SUCCESS, its lease, and the login-grace and idle watchdog.</summary>
internal sealed partial class SshServerConnection
{
    /// <summary>
    /// The session gate: takes one of the account's session slots before USERAUTH_SUCCESS is sent. A limiter that
    /// fails refuses the login (fail closed) and is logged.
    /// </summary>
    private async ValueTask<bool> AdmitSessionAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken)
    {
        var policies = _server.Policies!;
        ISftpSessionLease? lease;
        try
        {
            lease = await policies.SessionLimiter.TryAcquireAsync(principal.UserName, principal.MaxSessions, Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SshServerLog.SessionLimiterFailed(_server.Logger, Id, ex);
            return false;
        }
        if (lease is null)
        {
            SshServerLog.SessionLimitReached(_server.Logger, Id, principal.UserName, principal.MaxSessions);
            return false;
        }
        _sessionLease = lease;
        return true;
    }

    private async Task ReleaseLeaseAsync(ISftpSessionLease lease)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing limiter store must not take the server down; it is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SshServerLog.SessionLimiterFailed(_server.Logger, Id, ex);
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivityTicks, Environment.TickCount64);

    /// <summary>Ends connections that do not authenticate within the grace time or sit idle past the idle timeout.</summary>
    private async Task WatchdogAsync(CancellationTokenSource expire)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        long start = Environment.TickCount64;
        try
        {
            while (await timer.WaitForNextTickAsync(expire.Token).ConfigureAwait(false))
            {
                long now = Environment.TickCount64;
                if (!_authenticated)
                {
                    if (now - start > (long)_settings.LoginGraceTime.TotalMilliseconds)
                    {
                        await expire.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                else if (_settings.IdleTimeout > TimeSpan.Zero && now - Volatile.Read(ref _lastActivityTicks) > (long)_settings.IdleTimeout.TotalMilliseconds)
                {
                    await expire.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
