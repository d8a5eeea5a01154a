using SftpKit.Ssh.Server;

namespace SftpKit.Hosting;

/// <summary>The SSH side of the server's options: what the transport of every connection reads, copied once at start.</summary>
internal sealed partial class SftpServer
{
    internal static SshServerSettings CreateSshSettings(SftpServerOptions options)
    {
        var limits = options.Limits;
        return new SshServerSettings
        {
            ServerVersion = options.ServerVersion,
            Algorithms = options.Algorithms,
            MaxVersionLineLength = limits.MaxVersionLineLength,
            MaxPacketSize = limits.MaxPacketSize,
            OutboundDataSlots = limits.OutboundDataSlots,
            MaxQueuedMessages = limits.MaxQueuedMessages,
            MaxChannelsPerConnection = limits.MaxChannelsPerConnection,
            ChannelWindowSize = limits.ChannelWindowSize,
            ChannelMaxPacket = limits.ChannelMaxPacket,
            ChannelReceiveMaxPacket = limits.ChannelReceiveMaxPacket,
            RekeyBytes = limits.RekeyBytes,
            RekeyInterval = limits.RekeyInterval,
            LoginGraceTime = limits.LoginGraceTime,
            IdleTimeout = limits.IdleTimeout,
            FailedPasswordDelay = options.Defender.FailedPasswordDelay,
        };
    }
}
