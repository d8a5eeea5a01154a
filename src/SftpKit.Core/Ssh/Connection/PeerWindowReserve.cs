namespace SftpKit.Ssh.Connection;

/// <summary>
/// How much of a peer's receive window a channel leaves unused. OpenSSH's client re-opens its window once less
/// than half of it is left, and its channel buffer grows with what is in flight and gets slower as it grows (it
/// compacts by moving what it holds): a server that keeps the whole 2 MiB window full makes the client, not the
/// server, the bottleneck of a download. Leaving a third unused keeps OpenSSH adjusting in time and its buffer
/// small (512 MiB <c>sftp get</c>, aes128-gcm, 2 cores: 1.33 s with the whole window, 1.0–1.2 s with a third held
/// back; benchmarks/README.md).
/// </summary>
/// <remarks>
/// Only for peers whose adjust rule is known to fire before the reserve is reached. A peer that re-opens its window
/// only when it is nearly empty (SSH.NET adjusts below one packet) would wait forever for the bytes held back, so
/// every other peer gets its whole window.
/// </remarks>
internal static class PeerWindowReserve
{
    /// <summary>Bytes of <paramref name="initialWindow"/> never used by a channel to the peer that sent <paramref name="peerVersion"/>.</summary>
    public static long For(string? peerVersion, uint initialWindow)
        => AdjustsAtHalfWindow(peerVersion) ? initialWindow / 3 : 0;

    /// <summary>OpenSSH (every version and port, Windows included) sends WINDOW_ADJUST once less than half its window remains.</summary>
    private static bool AdjustsAtHalfWindow(string? peerVersion)
        => peerVersion is not null && peerVersion.StartsWith("SSH-2.0-OpenSSH", StringComparison.Ordinal);
}
