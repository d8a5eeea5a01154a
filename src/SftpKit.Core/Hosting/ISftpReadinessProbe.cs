namespace SftpKit;

/// <summary>
/// One dependency the server needs before it can serve (a storage backend, a directory service). Register any number
/// in DI as <c>ISftpReadinessProbe</c>; <see cref="ISftpServerHealth.CheckReadinessAsync"/> runs them all, each within
/// <see cref="SftpHealth.ProbeTimeout"/>. A probe must be cheap (one round trip) and must not change anything.
/// </summary>
public interface ISftpReadinessProbe
{
    /// <summary>The entry's name in the report (e.g. <c>s3</c>); fixed and short.</summary>
    string Name { get; }

    /// <summary>Completes when the dependency answers; throws (any exception) when it does not.</summary>
    /// <param name="cancellationToken">Cancelled when the probe's time is up or the caller gives up.</param>
    Task ProbeAsync(CancellationToken cancellationToken);
}
