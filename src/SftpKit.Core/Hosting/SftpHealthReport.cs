namespace SftpKit;

/// <summary>The outcome of a liveness or readiness check.</summary>
/// <param name="IsHealthy">True when every entry is.</param>
/// <param name="Entries">One entry per thing checked, in a fixed order.</param>
public sealed record SftpHealthReport(bool IsHealthy, IReadOnlyList<SftpHealthEntry> Entries);

/// <summary>One thing a health check looked at.</summary>
/// <param name="Name">Its fixed name: <c>listeners</c>, <c>accept_loops</c>, <c>account_store</c>, or a probe's <see cref="ISftpReadinessProbe.Name"/>.</param>
/// <param name="IsHealthy">Whether it passed.</param>
/// <param name="Description">A short, generic description (no secrets, no connection strings).</param>
/// <param name="Exception">What a failing dependency threw; for the log, never for clients.</param>
public sealed record SftpHealthEntry(string Name, bool IsHealthy, string Description, Exception? Exception = null);
