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

    /// <summary>Past the login grace time before authentication, or idle past the idle timeout after it.</summary>
    bool IWatchedConnection.IsExpired(long nowTicks)
    {
        if (!_authenticated)
        {
            return nowTicks - _startedTicks > (long)_settings.LoginGraceTime.TotalMilliseconds;
        }
        return _settings.IdleTimeout > TimeSpan.Zero && nowTicks - Volatile.Read(ref _lastActivityTicks) > (long)_settings.IdleTimeout.TotalMilliseconds;
    }

    /// <summary>Cancels the read loop's watchdog token; the callbacks run off the timer's thread.</summary>
    void IWatchedConnection.Expire()
    {
        try
        {
            _ = _watchdog?.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }
}
