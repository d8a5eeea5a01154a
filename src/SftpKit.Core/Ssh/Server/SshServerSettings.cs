namespace SftpKit.Ssh.Server;

/// <summary>
/// The values the SSH layer of every connection reads: identification, algorithms, packet, channel and rekey limits,
/// timeouts and the pause after a failed password. The host builds them once from its own options (the SSH layer
/// knows no host option type), so what the transport needs is listed here and nowhere else.
/// </summary>
internal sealed class SshServerSettings
{
    /// <summary>The software version of our identification line, after <c>SSH-2.0-</c>.</summary>
    public required string ServerVersion { get; init; }

    /// <summary>The algorithms offered, in order of preference.</summary>
    public required SshAlgorithmOptions Algorithms { get; init; }

    /// <summary>Longest client identification line, in bytes.</summary>
    public required int MaxVersionLineLength { get; init; }

    /// <summary>Largest packet accepted, in bytes.</summary>
    public required int MaxPacketSize { get; init; }

    /// <summary>CHANNEL_DATA messages queued per connection before channel writers wait.</summary>
    public required int OutboundDataSlots { get; init; }

    /// <summary>Other messages queued per connection before it is ended.</summary>
    public required int MaxQueuedMessages { get; init; }

    /// <summary>Channels open at once per connection.</summary>
    public required int MaxChannelsPerConnection { get; init; }

    /// <summary>The window granted to the client per channel, in bytes.</summary>
    public required int ChannelWindowSize { get; init; }

    /// <summary>Largest CHANNEL_DATA we send, in bytes.</summary>
    public required int ChannelMaxPacket { get; init; }

    /// <summary>Largest CHANNEL_DATA we accept, in bytes.</summary>
    public required int ChannelReceiveMaxPacket { get; init; }

    /// <summary>Bytes either way after which the server starts a new key exchange.</summary>
    public required long RekeyBytes { get; init; }

    /// <summary>Time after which the server starts a new key exchange.</summary>
    public required TimeSpan RekeyInterval { get; init; }

    /// <summary>Time a client has to authenticate.</summary>
    public required TimeSpan LoginGraceTime { get; init; }

    /// <summary>Time an authenticated connection may stay silent (zero: forever).</summary>
    public required TimeSpan IdleTimeout { get; init; }

    /// <summary>The pause after a failed password or keyboard-interactive attempt.</summary>
    public required TimeSpan FailedPasswordDelay { get; init; }

    /// <summary>The identification line we send, without its CR LF.</summary>
    public string VersionLine => "SSH-2.0-" + ServerVersion;
}
