using System.Net;

namespace SftpKit.Events;

/// <summary>Turns authentication outcomes into Login / LoginFailed post-events (method in <c>Properties["method"]</c>).</summary>
internal sealed class LoginEventObserver : ISshAuthenticationObserver
{
    private readonly ISftpEventDispatcher _dispatcher;

    public LoginEventObserver(ISftpEventDispatcher dispatcher) => _dispatcher = dispatcher;

    public void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal) =>
        _dispatcher.RaisePost(Make(context, method, SftpEventKind.Login, SftpEventStatus.Ok, null));

    public void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason) =>
        _dispatcher.RaisePost(Make(context, method, SftpEventKind.LoginFailed,
            reason == SshAuthFailureReason.InvalidCredentials || reason == SshAuthFailureReason.UnknownUser ? SftpEventStatus.Failed : SftpEventStatus.Denied,
            reason.ToString()));

    private static SftpEvent Make(SshAuthContext context, string method, SftpEventKind kind, SftpEventStatus status, string? error) => new()
    {
        Kind = kind,
        Protocol = SftpEventProtocol.Ssh,
        UserName = context.UserName,
        Status = status,
        Error = error,
        RemoteAddress = context.RemoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : context.RemoteEndPoint?.ToString(),
        ConnectionId = context.ConnectionId,
        SessionId = context.ConnectionId,
        Properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["method"] = method },
    };
}
