namespace SftpKit;

/// <summary>The health checks' limits.</summary>
public static class SftpHealth
{
    /// <summary>How long the account-store lookup and each readiness probe may take: 5 seconds.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
}
