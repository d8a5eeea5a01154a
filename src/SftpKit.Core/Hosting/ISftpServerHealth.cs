namespace SftpKit;

/// <summary>
/// The server's liveness and readiness, resolvable from DI after <c>AddSftpServer</c> (no ASP.NET Core needed: a
/// worker-service host can poll it and, say, touch a file or notify systemd; SftpKit.AspNetCore maps it to health
/// checks tagged <c>live</c> and <c>ready</c>).
/// </summary>
/// <remarks>
/// <para><b>Live</b>: the process still serves what it bound: false only when an accept loop of a started server ended
/// without a stop (restart the process). <b>Ready</b>: new logins would work now: the server is started and not
/// stopping, at least one endpoint is bound, the account store answers a lookup, and every
/// <see cref="ISftpReadinessProbe"/> succeeds, each within <see cref="SftpHealth.ProbeTimeout"/>.</para>
/// </remarks>
public interface ISftpServerHealth
{
    /// <summary>Liveness: no I/O, answers at once.</summary>
    SftpHealthReport CheckLiveness();

    /// <summary>Readiness: runs the store lookup and the probes concurrently.</summary>
    /// <param name="cancellationToken">Stops waiting for the probes.</param>
    Task<SftpHealthReport> CheckReadinessAsync(CancellationToken cancellationToken = default);
}
