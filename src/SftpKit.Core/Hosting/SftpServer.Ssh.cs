using SftpKit.Ssh.Authentication;
using SftpKit.Ssh.Keys;
using SftpKit.Ssh.Server;

namespace SftpKit.Hosting;

/// <summary>
/// The SSH side of the server: what the transport of every connection reads, copied once at start from the options,
/// and the ssh-userauth service each connection starts, composed of the registered authenticator, observers and
/// authorizers.
/// </summary>
internal sealed partial class SftpServer
{
    private Func<SshUserAuthStart, SshUserAuthHandler> CreateUserAuthStarter(SftpServerOptions options)
    {
        var trustedCas = options.TrustedUserCaKeys.Select(line => SshPublicKey.TryParseAuthorizedKey(line, out var key) ? key : null).OfType<SshPublicKey>();
        var auth = new UserAuthSettings(_authenticator, _observers.ToList(), _authorizers.ToList(), new SshCertificateValidator(trustedCas, _time), _logger,
            options.Limits.MaxAuthAttempts);
        return start =>
        {
            var hooks = start.AdmitSession is { } admit ? new UserAuthHooks(admit, start.FailedPasswordDelay, start.Time) : null;
            var service = new UserAuthService(start.Transport, auth, start.SessionId, start.HostKeyBlob,
                (user, method, passed) => start.CreateContext(user, method, passed), hooks);
            return service.HandleAsync;
        };
    }

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
