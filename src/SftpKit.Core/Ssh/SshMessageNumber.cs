namespace SftpKit.Ssh;

/// <summary>SSH message numbers (RFC 4250 §4.1, RFC 8308, OpenSSH PROTOCOL).</summary>
internal enum SshMessageNumber : byte
{
    Disconnect = 1,
    Ignore = 2,
    Unimplemented = 3,
    Debug = 4,
    ServiceRequest = 5,
    ServiceAccept = 6,
    ExtInfo = 7,
    KexInit = 20,
    NewKeys = 21,
    KexEcdhInit = 30,
    KexEcdhReply = 31,
    UserAuthRequest = 50,
    UserAuthFailure = 51,
    UserAuthSuccess = 52,
    UserAuthBanner = 53,
    UserAuthPkOk = 60,
#pragma warning disable CA1069 // 60 is both PK_OK and INFO_REQUEST, by method (RFC 4252 §7, RFC 4256 §3.2).
    UserAuthInfoRequest = 60,
#pragma warning restore CA1069
    UserAuthInfoResponse = 61,
    GlobalRequest = 80,
    RequestSuccess = 81,
    RequestFailure = 82,
    ChannelOpen = 90,
    ChannelOpenConfirmation = 91,
    ChannelOpenFailure = 92,
    ChannelWindowAdjust = 93,
    ChannelData = 94,
    ChannelExtendedData = 95,
    ChannelEof = 96,
    ChannelClose = 97,
    ChannelRequest = 98,
    ChannelSuccess = 99,
    ChannelFailure = 100,
    Ping = 192,
    Pong = 193,
}
