using Microsoft.Extensions.Diagnostics.HealthChecks;
using SftpKit.AspNetCore.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The SftpKit health checks.</summary>
public static class SftpHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check that the SFTP server listens and its account store answers (within 5 seconds). Map it with
    /// <c>app.MapHealthChecks("/healthz")</c>.
    /// </summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name. Defaults to <c>sftpkit</c>.</param>
    /// <param name="failureStatus">Status reported on failure. Defaults to <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    public static IHealthChecksBuilder AddSftpServerCheck(this IHealthChecksBuilder builder, string name = "sftpkit",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new SftpServerHealthCheck(sp), failureStatus, tags));
    }

    /// <summary>
    /// Adds liveness and readiness as two checks over <see cref="SftpKit.ISftpServerHealth"/>: <c>sftpkit-live</c> tagged
    /// <see cref="LiveTag"/> (<c>live</c>) and <c>sftpkit-ready</c> tagged <see cref="ReadyTag"/> (<c>ready</c>). Map
    /// them apart, e.g. <c>app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = r =&gt; r.Tags.Contains("live") })</c>
    /// and the same with <c>ready</c>. Readiness waits at most <see cref="SftpKit.SftpHealth.ProbeTimeout"/> (5 seconds) per probe.
    /// </summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="failureStatus">Status reported on failure. Defaults to <see cref="HealthStatus.Unhealthy"/>.</param>
    public static IHealthChecksBuilder AddSftpServerHealthChecks(this IHealthChecksBuilder builder, HealthStatus? failureStatus = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(new HealthCheckRegistration("sftpkit-live", sp => new SftpLivenessHealthCheck(sp), failureStatus, [LiveTag]));
        return builder.Add(new HealthCheckRegistration("sftpkit-ready", sp => new SftpReadinessHealthCheck(sp), failureStatus, [ReadyTag]));
    }

    /// <summary>The tag of the liveness check: <c>live</c>.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of the readiness check: <c>ready</c>.</summary>
    public const string ReadyTag = "ready";
}
