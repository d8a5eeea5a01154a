using System.Collections.ObjectModel;

namespace SftpKit.Events;

/// <summary>The protocol names carried by <see cref="SftpEvent.Protocol"/>.</summary>
public static class SftpEventProtocol
{
    /// <summary>The <c>sftp</c> subsystem.</summary>
    public const string Sftp = "SFTP";

    /// <summary>Legacy SCP over exec (<c>scp -t</c> / <c>scp -f</c>).</summary>
    public const string Scp = "SCP";

    /// <summary>The SSH layer itself: logins, connections and exec commands.</summary>
    public const string Ssh = "SSH";

    /// <summary>Work the server does outside any connection (data retention checks).</summary>
    public const string Server = "SERVER";

    /// <summary>The web client: an account holder's file operations over HTTP (browser pages and their form posts).</summary>
    public const string Http = "HTTP";
}

/// <summary>
/// One file-system, command or connection event, as raised before the operation (pre-event, can be vetoed) and after it
/// (post-event, with status, size and elapsed time). Immutable; derive a post-event from a pre-event with <c>with</c>.
/// Never carries a password, key or file content.
/// </summary>
public sealed record class SftpEvent
{
    private static readonly IReadOnlyDictionary<string, string> s_noProperties =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal));

    private readonly IReadOnlyDictionary<string, string> _properties = s_noProperties;

    /// <summary>What happened.</summary>
    public required SftpEventKind Kind { get; init; }

    /// <summary>The protocol: <c>"SFTP"</c>, <c>"SCP"</c>, <c>"SSH"</c> or <c>"HTTP"</c> (see <see cref="SftpEventProtocol"/>).</summary>
    public required string Protocol { get; init; }

    /// <summary>The user, when known (null for <see cref="SftpEventKind.Connect"/> before authentication).</summary>
    public string? UserName { get; init; }

    /// <summary>The virtual (chroot-relative) path the operation applies to; for <see cref="SftpEventKind.SshCommand"/> the command line.</summary>
    public string? Path { get; init; }

    /// <summary>The second path of a rename, copy or symlink.</summary>
    public string? TargetPath { get; init; }

    /// <summary>Bytes transferred (uploads, downloads) or the new size (truncate); null when not applicable.</summary>
    public long? Size { get; init; }

    /// <summary>
    /// How long the operation took; null for pre-events. For <see cref="SftpEventKind.Disconnect"/> the connection's
    /// whole duration, from accept to close.
    /// </summary>
    public TimeSpan? Elapsed { get; init; }

    /// <summary>
    /// Bytes the connection received from the client on the wire (SSH framing and encryption included); set on
    /// <see cref="SftpEventKind.Disconnect"/>, null otherwise.
    /// </summary>
    public long? BytesReceived { get; init; }

    /// <summary>
    /// Bytes the connection sent to the client on the wire (SSH framing and encryption included); set on
    /// <see cref="SftpEventKind.Disconnect"/>, null otherwise.
    /// </summary>
    public long? BytesSent { get; init; }

    /// <summary>The outcome. Defaults to <see cref="SftpEventStatus.Ok"/>.</summary>
    public SftpEventStatus Status { get; init; }

    /// <summary>A short generic reason for a failure (e.g. "no such file"); never exception text or server paths.</summary>
    public string? Error { get; init; }

    /// <summary>The client's IP address (and port, when the raiser includes it).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The SSH connection's identifier, as used in the server log.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>The session (channel) identifier within the connection, when the event belongs to one.</summary>
    public string? SessionId { get; init; }

    /// <summary>When the event was created. Defaults to the current UTC time.</summary>
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Free-form values (e.g. the login method); empty by default. The dictionary given is copied, so later changes to
    /// it do not reach the event.
    /// </summary>
    public IReadOnlyDictionary<string, string> Properties
    {
        get => _properties;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _properties = value.Count == 0
                ? s_noProperties
                : new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(value, StringComparer.Ordinal));
        }
    }
}
