using System.Net;

namespace SftpKit;

/// <summary>
/// Options of the embedded SSH/SFTP server. Bound from the configuration section <c>SftpKit</c> (and so from
/// environment variables such as <c>SftpKit__Listen__0__Port=2022</c>), then from the delegate given to
/// <c>AddSftpServer</c>. Validated at start; every error is reported at once.
/// </summary>
public sealed class SftpServerOptions
{
    /// <summary>
    /// The endpoints to listen on (configuration key <c>Listen</c>). Defaults to 0.0.0.0:2022 when empty.
    /// </summary>
    public IList<SshEndpoint> Endpoints { get; } = new List<SshEndpoint>();

    /// <summary>Adds a listening endpoint. Port 0 picks a free port (see <see cref="ISftpServer.EndPoints"/>).</summary>
    public void Listen(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        Endpoints.Add(new SshEndpoint { Address = address.ToString(), Port = port });
    }

    /// <summary>
    /// Adds a listening endpoint that reads PROXY protocol headers from <see cref="TrustedProxies"/> as
    /// <paramref name="proxyProtocol"/> says.
    /// </summary>
    public void Listen(IPAddress address, int port, SftpProxyProtocolMode proxyProtocol)
    {
        ArgumentNullException.ThrowIfNull(address);
        Endpoints.Add(new SshEndpoint { Address = address.ToString(), Port = port, ProxyProtocol = proxyProtocol });
    }

    /// <summary>
    /// The software-version part of the identification string sent to clients (<c>SSH-2.0-{ServerVersion}</c>).
    /// Printable ASCII without spaces. Defaults to <c>SftpKit_1.0</c>.
    /// </summary>
    public string ServerVersion { get; set; } = "SftpKit_1.0";

    /// <summary>
    /// Directory holding host keys (<c>ssh_host_*_key</c>). When it has none, ed25519, ecdsa-p256 and rsa-3072 keys
    /// are generated there with mode 0600 and reused on later starts. Relative paths are resolved against the
    /// current directory. Defaults to <c>keys</c>.
    /// </summary>
    public string HostKeyDirectory { get; set; } = "keys";

    /// <summary>
    /// Explicit host key files (OpenSSH or PEM format, unencrypted). When set, <see cref="HostKeyDirectory"/> is not
    /// used. Defaults to empty.
    /// </summary>
    public IList<string> HostKeyFiles { get; } = new List<string>();

    /// <summary>Algorithms offered; see <see cref="SshAlgorithmOptions"/> for the defaults.</summary>
    public SshAlgorithmOptions Algorithms { get; } = new();

    /// <summary>Numeric limits and timeouts.</summary>
    public SftpServerLimits Limits { get; } = new();

    /// <summary>Users for the built-in in-memory authenticator. Defaults to empty.</summary>
    public IList<SshUser> Users { get; } = new List<SshUser>();

    /// <summary>The built-in defender (per-IP scores and bans, safe and block lists); see <see cref="SftpDefenderOptions"/>.</summary>
    public SftpDefenderOptions Defender { get; } = new();

    /// <summary>
    /// Certificate authorities trusted to sign OpenSSH user certificates (as sshd's TrustedUserCAKeys), one
    /// authorized_keys-style line each: <c>type base64 [comment]</c> (configuration key <c>TrustedUserCaKeys</c>, an
    /// array). A CA key may be ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (signing with rsa-sha2-256/512;
    /// SHA-1 CA signatures are refused) and must not itself be a certificate. A user certificate logs in only when it is
    /// signed by one of these keys, is of type user, is inside its validity window (clock:
    /// <see cref="TimeProvider"/> from DI, else the system clock), lists the login name among its principals (an empty
    /// list is refused) and carries no critical option other than <c>source-address</c>, which is enforced against the
    /// client's address; <c>force-command</c>, <c>verify-required</c> and unknown critical options refuse the
    /// certificate. The authenticator then decides as for a plain key. Defaults to empty: certificates are refused.
    /// </summary>
    public IList<string> TrustedUserCaKeys { get; } = new List<string>();

    /// <summary>
    /// Load balancers allowed to send PROXY protocol headers on listeners whose <see cref="SshEndpoint.ProxyProtocol"/>
    /// is not <see cref="SftpProxyProtocolMode.Off"/>: IPv4/IPv6 addresses or CIDR networks (<c>10.0.0.5</c>,
    /// <c>10.0.0.0/24</c>, <c>2001:db8::/64</c>, as <see cref="Networking.SftpNetwork"/> reads them; configuration key
    /// <c>TrustedProxies</c>, an array). From such a peer the header is read before the SSH version exchange, and the
    /// client address it names replaces the socket's everywhere: logs, account IP filters, per-host limits, the
    /// defender, the connection registry and events (<see cref="SftpConnection.ProxyEndPoint"/> keeps the proxy's). A
    /// v2 LOCAL header (health check), a v1 UNKNOWN line and families other than TCP over IPv4/IPv6 keep the socket's
    /// address. A malformed header, or one not finished within <see cref="SftpServerLimits.ProxyHeaderTimeout"/>,
    /// closes the connection. Addresses in this list are never scored or banned by the server, as if on
    /// <see cref="SftpDefenderOptions.SafeList"/>: banning a load balancer would lock out every client behind it.
    /// Defaults to empty.
    /// </summary>
    public IList<string> TrustedProxies { get; } = new List<string>();
}

/// <summary>One listening endpoint.</summary>
public sealed class SshEndpoint
{
    /// <summary>IP address to bind. Defaults to <c>0.0.0.0</c>.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>TCP port; 0 picks a free port. Defaults to 2022.</summary>
    public int Port { get; set; } = 2022;

    /// <summary>
    /// Whether this listener reads PROXY protocol v1/v2 headers from <see cref="SftpServerOptions.TrustedProxies"/>
    /// (configuration key <c>Listen:N:ProxyProtocol</c>: <c>Off</c>, <c>Optional</c> or <c>Required</c>). Defaults to
    /// <see cref="SftpProxyProtocolMode.Off"/>.
    /// </summary>
    public SftpProxyProtocolMode ProxyProtocol { get; set; } = SftpProxyProtocolMode.Off;
}

/// <summary>Numeric caps and timeouts of the server (the <c>Limits</c> sub-object).</summary>
public sealed class SftpServerLimits
{
    /// <summary>
    /// Largest binary packet accepted (packet_length), in bytes. Must be at least 35000 (RFC 4253 §6.1).
    /// Defaults to 262144 (256 KiB, as OpenSSH).
    /// </summary>
    public int MaxPacketSize { get; set; } = 256 * 1024;

    /// <summary>Longest identification line accepted, including CR LF. Defaults to 255 (RFC 4253 §4.2).</summary>
    public int MaxVersionLineLength { get; set; } = 255;

    /// <summary>Failed authentication attempts allowed per connection. Defaults to 6 (OpenSSH MaxAuthTries).</summary>
    public int MaxAuthAttempts { get; set; } = 6;

    /// <summary>Time a client has to authenticate after connecting. Defaults to 2 minutes (OpenSSH LoginGraceTime).</summary>
    public TimeSpan LoginGraceTime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// An authenticated connection with no channel traffic for this long is disconnected. Defaults to 15 minutes.
    /// <see cref="TimeSpan.Zero"/> disables it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Open channels allowed per connection. Defaults to 10 (OpenSSH MaxSessions).</summary>
    public int MaxChannelsPerConnection { get; set; } = 10;

    /// <summary>
    /// Concurrent connections allowed per server, authenticated or not; more are refused at accept with
    /// SSH_MSG_DISCONNECT (SSH_DISCONNECT_TOO_MANY_CONNECTIONS). Defaults to 10000.
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Concurrent connections allowed from one IP address; more are refused like <see cref="MaxConnections"/> and
    /// scored by the defender (<see cref="SftpDefenderOptions.ScoreLimitExceeded"/>). 0 means unlimited.
    /// Defaults to 20 (as SFTPGo's max_per_host_connections).
    /// </summary>
    public int MaxConnectionsPerHost { get; set; } = 20;

    /// <summary>
    /// Connections that have not authenticated yet, as OpenSSH's MaxStartups "start:rate:full": from <c>start</c>
    /// such connections a new one is refused with probability <c>rate</c>%, rising linearly to 100% at <c>full</c>
    /// (a single number N means "N:100:N", a hard cap). A new connection from an address holding no unauthenticated
    /// connection is never the one refused: the oldest unauthenticated connection of the address holding the most is
    /// closed instead, so a handshake flood from some addresses cannot lock out the others. Refusals get
    /// SSH_MSG_DISCONNECT (TOO_MANY_CONNECTIONS). Defaults to "256:30:1024": larger than sshd's 10:30:100 because
    /// one SftpKit process serves thousands of sessions and bursts of hundreds of logins, while 1024 bounds the
    /// memory of half-open handshakes (about 0.2 MiB each, packet buffers included).
    /// </summary>
    public string MaxUnauthenticatedConnections { get; set; } = "256:30:1024";

    /// <summary>Bytes (sent plus received) after which the server starts a rekey. Defaults to 1 GiB.</summary>
    public long RekeyBytes { get; set; } = 1L << 30;

    /// <summary>Time after which the server starts a rekey. Defaults to 1 hour.</summary>
    public TimeSpan RekeyInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Receive window granted per channel, in bytes. Defaults to 2 MiB.</summary>
    public int ChannelWindowSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Largest CHANNEL_DATA payload we send, in bytes (also bounded by the client's own maximum). Defaults to 32768.
    /// </summary>
    public int ChannelMaxPacket { get; set; } = 32 * 1024;

    /// <summary>
    /// Largest CHANNEL_DATA payload we accept, advertised in CHANNEL_OPEN_CONFIRMATION, in bytes (the larger of this
    /// and <see cref="ChannelMaxPacket"/>); must be between 1024 and <see cref="MaxPacketSize"/> minus 1024. Defaults to 65536: a whole 32 KiB
    /// SFTP WRITE fits in one message, so a client that sends each message with its own socket write (paramiko,
    /// with Nagle on) does not split it into a full message plus a small tail that waits for the server's delayed
    /// ACK (~40 ms per write on Linux), and clients that cap their outgoing packets near 64 KiB (SSH.NET: 68536
    /// bytes) still accept it. Inbound memory stays bounded by <see cref="ChannelWindowSize"/>.
    /// </summary>
    public int ChannelReceiveMaxPacket { get; set; } = 64 * 1024;

    /// <summary>
    /// Outbound CHANNEL_DATA messages queued per connection before channel writers wait (back-pressure). Defaults to 64.
    /// </summary>
    public int OutboundDataSlots { get; set; } = 64;

    /// <summary>
    /// Other outbound messages that may be queued per connection; a client that floods requests without reading
    /// replies past this is disconnected. Defaults to 16384.
    /// </summary>
    public int MaxQueuedMessages { get; set; } = 16_384;

    /// <summary>
    /// Time a trusted proxy has to send its whole PROXY header after connecting (see
    /// <see cref="SftpServerOptions.TrustedProxies"/>); load balancers send it at once. Between 100 ms and 1 minute.
    /// Defaults to 5 seconds.
    /// </summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time the server waits on stop for connections to end before disconnecting them. Defaults to 10 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
