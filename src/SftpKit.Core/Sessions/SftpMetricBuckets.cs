namespace SftpKit.Sessions;

/// <summary>The histogram bucket boundaries SftpKit advises (exporters that honour instrument advice use them).</summary>
internal static class SftpMetricBuckets
{
    /// <summary>Logins and key exchanges: 5 ms to 30 s.</summary>
    public static readonly double[] ShortSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Transfers: 10 ms to 1 h.</summary>
    public static readonly double[] TransferSeconds = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

    /// <summary>Transfer sizes: 1 KiB to 16 GiB, by powers of 4.</summary>
    public static readonly long[] TransferBytes =
        [1L << 10, 1L << 12, 1L << 14, 1L << 16, 1L << 18, 1L << 20, 1L << 22, 1L << 24, 1L << 26, 1L << 28, 1L << 30, 1L << 32, 1L << 34];
}
