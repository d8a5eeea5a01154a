using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SftpKit.AspNetCore.Health;

/// <summary>
/// The server's readiness (<see cref="ISftpServerHealth.CheckReadinessAsync"/>) as a health check: healthy when every
/// entry is; otherwise the registration's failure status, described by the first failing entry. Data: each entry's
/// name and description.
/// </summary>
internal sealed class SftpReadinessHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await services.GetRequiredService<ISftpServerHealth>().CheckReadinessAsync(cancellationToken).ConfigureAwait(false);
        return SftpHealthResults.From(report, context.Registration.FailureStatus, "Ready.");
    }
}

/// <summary>The server's liveness (<see cref="ISftpServerHealth.CheckLiveness"/>) as a health check.</summary>
internal sealed class SftpLivenessHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(SftpHealthResults.From(services.GetRequiredService<ISftpServerHealth>().CheckLiveness(), context.Registration.FailureStatus, "Live."));
}

/// <summary>Maps a core health report onto a <see cref="HealthCheckResult"/>.</summary>
internal static class SftpHealthResults
{
    public static HealthCheckResult From(SftpHealthReport report, HealthStatus failureStatus, string healthy)
    {
        var data = report.Entries.ToDictionary(e => e.Name, e => (object)e.Description, StringComparer.Ordinal);
        if (report.IsHealthy)
        {
            return HealthCheckResult.Healthy(healthy, data);
        }
        var failed = report.Entries.First(e => !e.IsHealthy);
        return new HealthCheckResult(failureStatus, failed.Name + ": " + failed.Description, failed.Exception, data);
    }
}
