namespace SftpKit;

/// <summary>
/// Settings of the built-in defender (<see cref="SftpServerOptions.Defender"/>, configuration section
/// <c>SftpKit:Defender</c>). Each failed login adds a score to the client's IP address; a host whose scores within
/// <see cref="ObservationTime"/> reach <see cref="Threshold"/> is banned for <see cref="BanTime"/>: its connections
/// are closed at accept, before the server's banner. The defaults follow SFTPGo's defender.
/// </summary>
public sealed class SftpDefenderOptions
{
    /// <summary>Whether scores are kept and hosts banned. The block list applies even when false. Defaults to true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sum of scores within <see cref="ObservationTime"/> that bans a host. Defaults to 15.</summary>
    public int Threshold { get; set; } = 15;

    /// <summary>
    /// Score of a failed login of a known user (wrong password, key or answer; also an account that may not log in
    /// now). Defaults to 1.
    /// </summary>
    public int ScoreInvalidCredentials { get; set; } = 1;

    /// <summary>Score of a login attempt for a user that does not exist. Defaults to 2.</summary>
    public int ScoreUnknownUser { get; set; } = 2;

    /// <summary>
    /// Score of a refused login because a limit was hit (the account's maximum sessions) and of a connection refused
    /// by <see cref="SftpServerLimits.MaxConnectionsPerHost"/>. Defaults to 3.
    /// </summary>
    public int ScoreLimitExceeded { get; set; } = 3;

    /// <summary>
    /// Score of a connection that ended before authenticating without trying any login (a stalled or abandoned
    /// handshake: slow-banner floods, port scanners, TCP health checks). Put monitoring hosts in
    /// <see cref="SafeList"/> or set 0 to ignore them. Defaults to 1.
    /// </summary>
    public int ScoreHandshakeAbandoned { get; set; } = 1;

    /// <summary>Window over which scores add up. Defaults to 30 minutes.</summary>
    public TimeSpan ObservationTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a host stays banned. Defaults to 30 minutes.</summary>
    public TimeSpan BanTime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Each connection attempt from a banned host extends its ban by this percentage of <see cref="BanTime"/> (at
    /// least one minute), so a host that keeps trying stays banned. 0 disables. Defaults to 50.
    /// </summary>
    public int BanTimeIncrement { get; set; } = 50;

    /// <summary>
    /// Memory bound: when more than <see cref="EntriesHardLimit"/> hosts have scores (or, separately, are banned), the
    /// oldest (or the bans closest to expiry) are dropped until <see cref="EntriesSoftLimit"/> remain. Defaults to 100.
    /// </summary>
    public int EntriesSoftLimit { get; set; } = 100;

    /// <summary>See <see cref="EntriesSoftLimit"/>. Must be larger. Defaults to 150.</summary>
    public int EntriesHardLimit { get; set; } = 150;

    /// <summary>
    /// Addresses and networks never scored or banned: IPv4/IPv6 addresses or CIDR networks (<c>10.0.0.0/8</c>,
    /// <c>2001:db8::/32</c>; <see cref="Networking.SftpNetwork"/>'s rules). Defaults to empty.
    /// </summary>
    public IList<string> SafeList { get; } = new List<string>();

    /// <summary>
    /// Addresses and networks always refused at accept, in the same forms as <see cref="SafeList"/>; the safe list
    /// does not override it. Defaults to empty.
    /// </summary>
    public IList<string> BlockList { get; } = new List<string>();

    /// <summary>
    /// Pause before answering a failed password or keyboard-interactive attempt, which slows password guessing on one
    /// connection. Applies whether or not <see cref="Enabled"/> is set. <see cref="TimeSpan.Zero"/> disables it.
    /// Defaults to 1 second.
    /// </summary>
    public TimeSpan FailedPasswordDelay { get; set; } = TimeSpan.FromSeconds(1);
}
