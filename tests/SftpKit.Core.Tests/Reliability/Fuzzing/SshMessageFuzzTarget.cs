using SftpKit.Ssh;
using SftpKit.Ssh.Messages;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>
/// Every SSH message type's parser (<c>Ssh/Messages</c>), one payload per input, dispatched by its message number as
/// the connection does: a mutated payload must parse or end in <see cref="SshProtocolException"/>, never in another
/// exception, a hang or an allocation the payload does not justify. A userauth request's method fields are parsed by
/// the method's own reader too.
/// </summary>
internal sealed class SshMessageTarget : FuzzTarget
{
    public override string Name => "messages";

    public override bool IsSynchronous => true;

    public override IReadOnlyList<byte[]> BuildSeeds() =>
    [
        Payload(w => w.WriteMessage(SshMessageNumber.Disconnect).WriteUInt32(2).WriteString("Protocol error.").WriteString("")),
        Payload(w => w.WriteMessage(SshMessageNumber.Ignore).WriteBinary(new byte[16])),
        Payload(w => w.WriteMessage(SshMessageNumber.Unimplemented).WriteUInt32(7)),
        Payload(w => w.WriteMessage(SshMessageNumber.Debug).WriteBoolean(true).WriteString("hello").WriteString("en")),
        Payload(w => w.WriteMessage(SshMessageNumber.ServiceRequest).WriteString("ssh-userauth")),
        Payload(w => w.WriteMessage(SshMessageNumber.ExtInfo).WriteUInt32(2).WriteString("server-sig-algs").WriteString("ssh-ed25519")
            .WriteString("ping@openssh.com").WriteString("0")),
        Payload(w => w.WriteMessage(SshMessageNumber.KexInit).WriteRaw(new byte[16]).WriteNameList(["curve25519-sha256", "kex-strict-c-v00@openssh.com"])
            .WriteNameList(["ssh-ed25519"]).WriteNameList(["aes128-gcm@openssh.com"]).WriteNameList(["aes128-gcm@openssh.com"])
            .WriteNameList(["hmac-sha2-256"]).WriteNameList(["hmac-sha2-256"]).WriteNameList(["none"]).WriteNameList(["none"])
            .WriteNameList([]).WriteNameList([]).WriteBoolean(false).WriteUInt32(0)),
        Payload(w => w.WriteMessage(SshMessageNumber.NewKeys)),
        Payload(w => w.WriteMessage(SshMessageNumber.KexEcdhInit).WriteBinary(new byte[32])),
        Payload(w => w.WriteMessage(SshMessageNumber.UserAuthRequest).WriteString("alice").WriteString("ssh-connection").WriteString("password")
            .WriteBoolean(false).WriteString("secret")),
        Payload(w => w.WriteMessage(SshMessageNumber.UserAuthRequest).WriteString("alice").WriteString("ssh-connection").WriteString("publickey")
            .WriteBoolean(true).WriteString("ssh-ed25519").WriteBinary(new byte[51]).WriteBinary(new byte[83])),
        Payload(w => w.WriteMessage(SshMessageNumber.UserAuthRequest).WriteString("alice").WriteString("ssh-connection")
            .WriteString("keyboard-interactive").WriteString("").WriteString("")),
        Payload(w => w.WriteMessage(SshMessageNumber.UserAuthInfoResponse).WriteUInt32(2).WriteString("one").WriteString("two")),
        Payload(w => w.WriteMessage(SshMessageNumber.GlobalRequest).WriteString("keepalive@openssh.com").WriteBoolean(true)),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelOpen).WriteString("session").WriteUInt32(0).WriteUInt32(2 * 1024 * 1024).WriteUInt32(32768)),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelWindowAdjust).WriteUInt32(0).WriteUInt32(65536)),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelData).WriteUInt32(0).WriteBinary(new byte[64])),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelExtendedData).WriteUInt32(0).WriteUInt32(1).WriteBinary(new byte[8])),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelEof).WriteUInt32(0)),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelClose).WriteUInt32(0)),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelRequest).WriteUInt32(0).WriteString("subsystem").WriteBoolean(true).WriteString("sftp")),
        Payload(w => w.WriteMessage(SshMessageNumber.ChannelSuccess).WriteUInt32(0)),
        Payload(w => w.WriteMessage(SshMessageNumber.Ping).WriteBinary(new byte[4])),
    ];

    public override Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length > 0)
        {
            Parse(input);
        }
        return Task.CompletedTask;
    }

    private static void Parse(ReadOnlySpan<byte> payload)
    {
        switch ((SshMessageNumber)payload[0])
        {
            case SshMessageNumber.Disconnect: DisconnectMessage.Read(payload); break;
            case SshMessageNumber.Ignore: IgnoreMessage.Read(payload); break;
            case SshMessageNumber.Unimplemented: UnimplementedMessage.Read(payload); break;
            case SshMessageNumber.Debug: DebugMessage.Read(payload); break;
            case SshMessageNumber.ServiceRequest: ServiceRequestMessage.Read(payload); break;
            case SshMessageNumber.ServiceAccept: ServiceAcceptMessage.Read(payload); break;
            case SshMessageNumber.ExtInfo: ExtInfoMessage.Read(payload); break;
            case SshMessageNumber.KexInit: KexInitMessage.Read(payload); break;
            case SshMessageNumber.NewKeys: NewKeysMessage.Read(payload); break;
            case SshMessageNumber.KexEcdhInit: KexEcdhInitMessage.Read(payload); break;
            case SshMessageNumber.KexEcdhReply: KexEcdhReplyMessage.Read(payload); break;
            case SshMessageNumber.UserAuthRequest: ParseUserAuth(payload); break;
            case SshMessageNumber.UserAuthFailure: UserAuthFailureMessage.Read(payload); break;
            case SshMessageNumber.UserAuthSuccess: UserAuthSuccessMessage.Read(payload); break;
            case SshMessageNumber.UserAuthBanner: UserAuthBannerMessage.Read(payload); break;
            case SshMessageNumber.UserAuthPkOk: UserAuthPkOkMessage.Read(payload); break;
            case SshMessageNumber.UserAuthInfoResponse: UserAuthInfoResponseMessage.Read(payload); break;
            case SshMessageNumber.GlobalRequest: GlobalRequestMessage.Read(payload); break;
            case SshMessageNumber.RequestSuccess: RequestSuccessMessage.Read(payload); break;
            case SshMessageNumber.RequestFailure: RequestFailureMessage.Read(payload); break;
            case SshMessageNumber.ChannelOpen: ChannelOpenMessage.Read(payload); break;
            case SshMessageNumber.ChannelOpenConfirmation: ChannelOpenConfirmationMessage.Read(payload); break;
            case SshMessageNumber.ChannelOpenFailure: ChannelOpenFailureMessage.Read(payload); break;
            case SshMessageNumber.ChannelWindowAdjust: ChannelWindowAdjustMessage.Read(payload); break;
            case SshMessageNumber.ChannelData: ChannelDataMessage.Read(payload); break;
            case SshMessageNumber.ChannelExtendedData: ChannelExtendedDataMessage.Read(payload); break;
            case SshMessageNumber.ChannelEof: ChannelEofMessage.Read(payload); break;
            case SshMessageNumber.ChannelClose: ChannelCloseMessage.Read(payload); break;
            case SshMessageNumber.ChannelRequest: ChannelRequestMessage.Read(payload); break;
            case SshMessageNumber.ChannelSuccess: ChannelSuccessMessage.Read(payload); break;
            case SshMessageNumber.ChannelFailure: ChannelFailureMessage.Read(payload); break;
            case SshMessageNumber.Ping: PingMessage.Read(payload); break;
            case SshMessageNumber.Pong: PongMessage.Read(payload); break;
            default: break; // a number no message type claims: the connection answers UNIMPLEMENTED without parsing
        }
    }

    private static void ParseUserAuth(ReadOnlySpan<byte> payload)
    {
        var request = UserAuthRequestMessage.Read(payload);
        switch (request.MethodName)
        {
            case "password": UserAuthPasswordFields.Read(request.MethodFields); break;
            case "publickey": UserAuthPublicKeyFields.Read(request.MethodFields, hostbound: false); break;
            case "publickey-hostbound-v00@openssh.com": UserAuthPublicKeyFields.Read(request.MethodFields, hostbound: true); break;
            case "keyboard-interactive": UserAuthKeyboardInteractiveFields.Read(request.MethodFields); break;
            default: break;
        }
    }

    private static byte[] Payload(Action<SshWriter> write)
    {
        using var writer = new SshWriter(64);
        write(writer);
        return writer.ToArray();
    }
}
