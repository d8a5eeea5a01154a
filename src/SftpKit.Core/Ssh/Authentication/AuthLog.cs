using Microsoft.Extensions.Logging;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// Log events of ssh-userauth: each attempt's outcome (ids 1020–1022) and certificate, keyboard-interactive and
/// multi-step authentication (ids 1050–1069). Never logs secrets.
/// </summary>
internal static partial class AuthLog
{
    [LoggerMessage(1020, LogLevel.Information, "Connection {ConnectionId} user {UserName} authenticated by {Method} from {RemoteEndPoint}", EventName = "AuthenticationSucceeded")]
    public static partial void AuthenticationSucceeded(ILogger logger, string connectionId, string userName, string method, string? remoteEndPoint);

    [LoggerMessage(1021, LogLevel.Information, "Connection {ConnectionId} user {UserName} failed {Method} authentication from {RemoteEndPoint}", EventName = "AuthenticationFailed")]
    public static partial void AuthenticationFailed(ILogger logger, string connectionId, string userName, string method, string? remoteEndPoint);

    [LoggerMessage(1022, LogLevel.Information, "Connection {ConnectionId} user {UserName} sent an invalid public key signature", EventName = "PublicKeySignatureInvalid")]
    public static partial void PublicKeySignatureInvalid(ILogger logger, string connectionId, string userName);

    [LoggerMessage(1050, LogLevel.Information, "Connection {ConnectionId} user {UserName} certificate {KeyId} serial {Serial} from CA {CaFingerprint} refused: {Reason}", EventName = "CertificateRefused")]
    public static partial void CertificateRefused(ILogger logger, string connectionId, string userName, string keyId, ulong serial, string caFingerprint, string reason);

    [LoggerMessage(1051, LogLevel.Debug, "Connection {ConnectionId} user {UserName} certificate {KeyId} serial {Serial} from CA {CaFingerprint} is valid", EventName = "CertificateAccepted")]
    public static partial void CertificateAccepted(ILogger logger, string connectionId, string userName, string keyId, ulong serial, string caFingerprint);

    [LoggerMessage(1052, LogLevel.Information, "Connection {ConnectionId} user {UserName} passed {Method}; next: {NextMethods}", EventName = "AuthenticationPartialSuccess")]
    public static partial void PartialSuccess(ILogger logger, string connectionId, string userName, string method, string nextMethods);

    [LoggerMessage(1053, LogLevel.Information, "Connection {ConnectionId} user {UserName} tried {Method}, which this step of the login does not allow", EventName = "AuthenticationMethodNotAllowed")]
    public static partial void MethodNotAllowed(ILogger logger, string connectionId, string userName, string method);

    [LoggerMessage(1054, LogLevel.Warning, "Authentication observer {Observer} failed", EventName = "AuthenticationObserverFailed")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(1055, LogLevel.Information, "Connection {ConnectionId} user {UserName} keyboard-interactive refused: {Reason}", EventName = "KeyboardInteractiveRefused")]
    public static partial void KeyboardInteractiveRefused(ILogger logger, string connectionId, string userName, string reason);
}
