using System.Net;

namespace SftpKit;

/// <summary>
/// Bans hosts (IP addresses) that keep failing to log in (see <see cref="SftpDefenderOptions"/>). The server asks
/// <see cref="AdmitConnectionAsync"/> for every accepted socket and reports failed logins through
/// <see cref="AddEventAsync"/>; the admin surface lists, adds and removes bans. The default keeps everything in
/// memory; replace it (e.g. with a shared database) to share bans across server instances.
/// </summary>
public interface ISftpDefender
{
    /// <summary>
    /// Decides an accepted connection: false when the address is block-listed or banned. A banned host's ban is
    /// extended by <see cref="SftpDefenderOptions.BanTimeIncrement"/>. Called before the server sends anything.
    /// </summary>
    ValueTask<bool> AdmitConnectionAsync(IPAddress address, CancellationToken cancellationToken = default);

    /// <summary>Adds the score of <paramref name="kind"/> to the host; ignored for safe-listed or banned hosts.</summary>
    ValueTask AddEventAsync(IPAddress address, SftpDefenderEvent kind, CancellationToken cancellationToken = default);

    /// <summary>Whether the host is banned now (no side effects). Block-listed hosts are not reported as banned.</summary>
    ValueTask<bool> IsBannedAsync(IPAddress address, CancellationToken cancellationToken = default);

    /// <summary>The host's current score and ban, or null when it has neither.</summary>
    ValueTask<SftpDefenderEntry?> GetHostAsync(IPAddress address, CancellationToken cancellationToken = default);

    /// <summary>Every host that is banned or has a score now.</summary>
    ValueTask<IReadOnlyList<SftpDefenderEntry>> GetHostsAsync(CancellationToken cancellationToken = default);

    /// <summary>Bans a host for <paramref name="duration"/> from now (replacing any ban it has).</summary>
    ValueTask BanAsync(IPAddress address, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Removes the host's ban and score; returns false when it had neither.</summary>
    ValueTask<bool> UnbanAsync(IPAddress address, CancellationToken cancellationToken = default);
}

/// <summary>What a host did, for the defender's score.</summary>
public enum SftpDefenderEvent
{
    /// <summary>Failed login of a known user (<see cref="SftpDefenderOptions.ScoreInvalidCredentials"/>).</summary>
    InvalidCredentials,

    /// <summary>Login attempt for an unknown user (<see cref="SftpDefenderOptions.ScoreUnknownUser"/>).</summary>
    UnknownUser,

    /// <summary>A limit was exceeded (<see cref="SftpDefenderOptions.ScoreLimitExceeded"/>).</summary>
    LimitExceeded,

    /// <summary>
    /// A connection ended before authenticating without trying any login: it stalled in the version exchange or key
    /// exchange until the login grace time, or left after it (<see cref="SftpDefenderOptions.ScoreHandshakeAbandoned"/>).
    /// </summary>
    HandshakeAbandoned,
}

/// <summary>A host the defender tracks: its score within the observation window, and its ban if banned.</summary>
/// <param name="Address">The host's IP address.</param>
/// <param name="Score">Sum of its scores within the observation window (0 while banned: bans reset the score).</param>
/// <param name="BannedUntil">End of its ban (UTC); null when not banned.</param>
public sealed record SftpDefenderEntry(IPAddress Address, int Score, DateTimeOffset? BannedUntil)
{
    /// <summary>True when the host is banned.</summary>
    public bool IsBanned => BannedUntil is not null;
}
