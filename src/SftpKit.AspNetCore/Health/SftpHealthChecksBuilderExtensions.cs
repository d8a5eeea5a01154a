using Microsoft.Extensions.Diagnostics.HealthChecks;
using SftpKit.AspNetCore.Health;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The SftpKit health check.</summary>
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
}
