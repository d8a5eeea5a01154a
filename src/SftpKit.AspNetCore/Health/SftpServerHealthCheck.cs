using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore.Health;

/// <summary>
/// Healthy when the SFTP server has bound at least one endpoint and the account store answers a lookup within
/// <see cref="StoreTimeout"/>; unhealthy otherwise (the reason names which). Data: <c>endpoints</c>, <c>connections</c>.
/// </summary>
internal sealed class SftpServerHealthCheck : IHealthCheck
{
    /// <summary>How long the store lookup may take: 5 seconds.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);

    private readonly IServiceProvider _services;

    public SftpServerHealthCheck(IServiceProvider services) => _services = services;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var server = _services.GetService<ISftpServer>();
        var data = new Dictionary<string, object>
        {
            ["endpoints"] = server?.EndPoints.Select(e => e.ToString() ?? "").ToArray() ?? [],
            ["connections"] = server?.ConnectionCount ?? 0,
        };
        if (server is null || server.EndPoints.Count == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The SFTP server is not listening.", data: data);
        }
        if (_services.GetService<ISftpUserStore>() is { } store)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StoreTimeout);
            try
            {
                // Any name works: the answer does not matter, only that the store answers.
                await store.FindAsync("sftpkit-health-probe", timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "The account store did not answer.", ex, data);
            }
        }
        return HealthCheckResult.Healthy("Listening; the account store answers.", data);
    }
}
