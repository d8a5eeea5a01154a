using Microsoft.Extensions.Logging;
using SftpKit.Ssh.Messages;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Authentication;

/// <summary>What the ssh-userauth service of every connection of one server shares.</summary>
internal sealed record UserAuthSettings(
    ISshAuthenticator Authenticator,
    IReadOnlyList<ISshAuthenticationObserver> Observers,
    IReadOnlyList<ISshLoginAuthorizer> Authorizers,
    SshCertificateValidator Certificates,
    ILogger Logger,
    int MaxAttempts);

/// <summary>
/// The ssh-userauth service (RFC 4252, RFC 4256, OpenSSH publickey-hostbound and certificates). Verifies public-key
/// and certificate signatures itself and asks <see cref="ISshAuthenticator"/> for decisions; runs multi-step logins
/// (partial success), counts failures against the per-connection limit, reports outcomes to every
/// <see cref="ISshAuthenticationObserver"/> and gives the client one generic failure answer.
/// </summary>
internal sealed partial class UserAuthService
{
    /// <summary>Most steps one login may pass before the final success (each a <see cref="SshAuthResult.Continue"/>).</summary>
    public const int MaxSteps = 8;

    private const string ConnectionService = "ssh-connection";
    private const string HostboundMethod = "publickey-hostbound-v00@openssh.com";

    private readonly SshTransport _transport;
    private readonly UserAuthSettings _settings;
    private readonly ISshAuthenticator _authenticator;
    private readonly ILogger _logger;
    private readonly Func<byte[]> _sessionId;
    private readonly Func<byte[]?> _hostKeyBlob;
    private readonly SshAuthContextFactory _contextFactory;
    private readonly List<string> _passed = [];
    private IReadOnlyList<string> _allowed = SshAuthResult.KnownMethods;
    private string? _loginUser;
    private int _failures;
    private readonly UserAuthHooks? _hooks;
    private CancellationToken _cancellation;

    public UserAuthService(SshTransport transport, UserAuthSettings settings, Func<byte[]> sessionId, Func<byte[]?> hostKeyBlob,
        SshAuthContextFactory contextFactory, UserAuthHooks? hooks = null)
    {
        _hooks = hooks;
        _transport = transport;
        _settings = settings;
        _authenticator = settings.Authenticator;
        _logger = settings.Logger;
        _sessionId = sessionId;
        _hostKeyBlob = hostKeyBlob;
        _contextFactory = contextFactory;
    }

    /// <summary>Handles USERAUTH_REQUEST or INFO_RESPONSE; returns the principal once authentication succeeds.</summary>
    public async ValueTask<SshPrincipal?> HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken; // for the hooks; one connection's loop calls this one message at a time
        var number = (SshMessageNumber)payload.Span[0];
        if (number == SshMessageNumber.UserAuthInfoResponse)
        {
            return await OnInfoResponseAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        if (number != SshMessageNumber.UserAuthRequest)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected message during authentication.");
        }

        string user, service, method, submethods = string.Empty;
        ReadOnlyMemory<byte> fields;
        {
            var request = UserAuthRequestMessage.Read(payload.Span);
            user = request.UserName;
            service = request.ServiceName;
            method = request.MethodName;
            fields = payload[(payload.Length - request.MethodFields.Length)..];
            if (method == "keyboard-interactive")
            {
                submethods = UserAuthKeyboardInteractiveFields.Read(request.MethodFields).Submethods;
            }
        }
        if (service != ConnectionService)
        {
            throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "Service not available.");
        }
        // Steps of one login must all be for the same user (as OpenSSH, which disconnects on a change).
        if (_loginUser is not null && user != _loginUser)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "User name changed during a multi-step login.");
        }
        _conversation = null;
        string normalized = method == HostboundMethod ? "publickey" : method;
        var context = _contextFactory(user, normalized, _passed.ToArray());

        if (method == "none" || !SshAuthResult.KnownMethods.Contains(normalized))
        {
            SendFailure(partialSuccess: false);
            return null;
        }
        if (!_allowed.Contains(normalized))
        {
            AuthLog.MethodNotAllowed(_logger, context.ConnectionId, user, normalized);
            return await FailAsync(context, SshAuthFailureReason.AccessDenied).ConfigureAwait(false);
        }
        return normalized switch
        {
            "password" => await OnPasswordAsync(context, fields, cancellationToken).ConfigureAwait(false),
            "publickey" => await OnPublicKeyAsync(context, payload, fields, method == HostboundMethod, cancellationToken).ConfigureAwait(false),
            _ => await OnKeyboardInteractiveAsync(context, submethods, cancellationToken).ConfigureAwait(false),
        };
    }

    private async ValueTask<SshPrincipal?> OnPasswordAsync(SshAuthContext context, ReadOnlyMemory<byte> fields, CancellationToken cancellationToken)
    {
        var password = UserAuthPasswordFields.Read(fields.Span);
        if (password.ChangeRequested)
        {
            // Password change requests are not supported; treat as a failed attempt.
            return await FailAsync(context, SshAuthFailureReason.InvalidCredentials).ConfigureAwait(false);
        }
        var result = await _authenticator.AuthenticatePasswordAsync(context, password.Password, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(context, result).ConfigureAwait(false);
    }

    /// <summary>Turns an authenticator's decision into success, a next step or a failure answer.</summary>
    private async ValueTask<SshPrincipal?> CompleteAsync(SshAuthContext context, SshAuthResult result)
    {
        if (result.Succeeded)
        {
            // Every authorizer must allow the login, whatever authenticator accepted its credentials.
            foreach (var authorizer in _settings.Authorizers)
            {
                var refused = await authorizer.AuthorizeAsync(context, result.Principal!, _cancellation).ConfigureAwait(false);
                if (refused != SshAuthFailureReason.None)
                {
                    return await FailAsync(context, refused).ConfigureAwait(false);
                }
            }
        }
        if (result.Succeeded && _hooks is not null && !await _hooks.AdmitAsync(context, result.Principal!, _cancellation).ConfigureAwait(false))
        {
            // The session gate (maximum sessions) runs before USERAUTH_SUCCESS; a refusal is an ordinary failure.
            return await FailAsync(context, SshAuthFailureReason.LimitReached).ConfigureAwait(false);
        }
        if (result.Succeeded)
        {
            AuthLog.AuthenticationSucceeded(_logger, context.ConnectionId, context.UserName, context.Method, context.RemoteEndPoint?.ToString());
            foreach (var observer in _settings.Observers)
            {
                try
                {
                    observer.OnSucceeded(context, context.Method, result.Principal!);
                }
#pragma warning disable CA1031 // An observer's bug must not fail the login it observes.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    AuthLog.ObserverFailed(_logger, observer.GetType().Name, ex);
                }
            }
            _transport.Send(new UserAuthSuccessMessage());
            return result.Principal;
        }
        if (!result.IsPartialSuccess)
        {
            return await FailAsync(context, result.FailureReason).ConfigureAwait(false);
        }
        if (_passed.Count + 1 >= MaxSteps)
        {
            return await FailAsync(context, SshAuthFailureReason.AccessDenied).ConfigureAwait(false);
        }
        _passed.Add(context.Method);
        _loginUser = context.UserName;
        _allowed = result.NextMethods;
        AuthLog.PartialSuccess(_logger, context.ConnectionId, context.UserName, context.Method, string.Join(',', _allowed));
        SendFailure(partialSuccess: true);
        return null;
    }

    private async ValueTask<SshPrincipal?> FailAsync(SshAuthContext context, SshAuthFailureReason reason)
    {
        if (reason == SshAuthFailureReason.None)
        {
            reason = SshAuthFailureReason.InvalidCredentials;
        }
        AuthLog.AuthenticationFailed(_logger, context.ConnectionId, context.UserName, context.Method, context.RemoteEndPoint?.ToString());
        foreach (var observer in _settings.Observers)
        {
            try
            {
                observer.OnFailed(context, context.Method, reason);
            }
#pragma warning disable CA1031 // An observer's bug must not change the answer to the client.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                AuthLog.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
        if (_hooks is { FailedPasswordDelay: var delay } && delay > TimeSpan.Zero && context.Method is "password" or "keyboard-interactive")
        {
            // Slows password guessing on one connection (the defender's job across connections).
            await Task.Delay(delay, _hooks.Time, _cancellation).ConfigureAwait(false);
        }
        if (++_failures >= _settings.MaxAttempts)
        {
            throw new SshProtocolException(SshDisconnectReason.NoMoreAuthMethodsAvailable, "Too many authentication failures.");
        }
        SendFailure(partialSuccess: false);
        return null;
    }

    /// <summary>USERAUTH_FAILURE naming the methods the user may still use: all of them, or a partial success's next ones.</summary>
    private void SendFailure(bool partialSuccess)
    {
        _transport.Send(new UserAuthFailureMessage(_allowed, partialSuccess));
    }
}

/// <summary>Builds the context of one authentication attempt.</summary>
internal delegate SshAuthContext SshAuthContextFactory(string userName, string method, IReadOnlyList<string> passedMethods);
