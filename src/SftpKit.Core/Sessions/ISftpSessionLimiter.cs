namespace SftpKit;

/// <summary>
/// Counts the sessions (authenticated connections) of each account and enforces the account's maximum atomically:
/// of many logins racing for the last free slot, exactly one gets it. The server asks before it sends
/// USERAUTH_SUCCESS, with the limit from <see cref="SshPrincipal.MaxSessions"/>; a refused login is an
/// authentication failure with reason <see cref="SshAuthFailureReason.LimitReached"/>. The lease is disposed when the
/// connection ends. The default is in memory (one process); replace it (e.g. with a shared database) to enforce the
/// limit across several server instances.
/// </summary>
public interface ISftpSessionLimiter
{
    /// <summary>
    /// Takes one session slot of <paramref name="userName"/> unless it already has <paramref name="maxSessions"/>;
    /// 0 or less means unlimited (the session is still counted). Returns null when the limit is reached.
    /// </summary>
    ValueTask<ISftpSessionLease?> TryAcquireAsync(string userName, int maxSessions, string connectionId, CancellationToken cancellationToken);

    /// <summary>Sessions <paramref name="userName"/> holds now.</summary>
    ValueTask<int> GetActiveSessionsAsync(string userName, CancellationToken cancellationToken);
}

/// <summary>One held session slot; disposing it releases the slot (idempotent).</summary>
public interface ISftpSessionLease : IAsyncDisposable
{
    /// <summary>The account holding the slot.</summary>
    string UserName { get; }

    /// <summary>The connection holding the slot.</summary>
    string ConnectionId { get; }
}
