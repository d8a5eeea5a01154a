using Microsoft.Extensions.Logging;
using SftpKit.Hosting;
using SftpKit.Ssh.Transport;

namespace SftpKit.Ssh.Authentication;

/// <summary>
/// The ssh-userauth service (RFC 4252, RFC 4256, OpenSSH publickey-hostbound). Verifies public-key signatures itself
/// and asks <see cref="ISshAuthenticator"/> for decisions; counts failures against the per-connection limit and
/// gives the client one generic failure answer.
/// </summary>
internal sealed class UserAuthService
{
    private const string ConnectionService = "ssh-connection";
    private const string HostboundMethod = "publickey-hostbound-v00@openssh.com";
    private static readonly string[] Methods = ["publickey", "password", "keyboard-interactive"];

    private readonly SshTransport _transport;
    private readonly ISshAuthenticator _authenticator;
    private readonly ILogger _logger;
    private readonly int _maxAttempts;
    private readonly Func<byte[]> _sessionId;
    private readonly Func<byte[]?> _hostKeyBlob;
    private readonly SshAuthContextFactory _contextFactory;
    private readonly UserAuthHooks? _hooks;
    private int _failures;
    private string? _keyboardInteractiveUser;

    public UserAuthService(SshTransport transport, ISshAuthenticator authenticator, ILogger logger, int maxAttempts,
        Func<byte[]> sessionId, Func<byte[]?> hostKeyBlob, SshAuthContextFactory contextFactory, UserAuthHooks? hooks = null)
    {
        _hooks = hooks;
        _transport = transport;
        _authenticator = authenticator;
        _logger = logger;
        _maxAttempts = maxAttempts;
        _sessionId = sessionId;
        _hostKeyBlob = hostKeyBlob;
        _contextFactory = contextFactory;
    }

    /// <summary>Handles USERAUTH_REQUEST or INFO_RESPONSE; returns the principal once authentication succeeds.</summary>
    public async ValueTask<SshPrincipal?> HandleAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var number = (SshMessageNumber)payload.Span[0];
        if (number == SshMessageNumber.UserAuthInfoResponse)
        {
            return await OnInfoResponseAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        if (number != SshMessageNumber.UserAuthRequest)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected message during authentication.");
        }

        string user, service, method;
        {
            var reader = new SshReader(payload.Span[1..]);
            user = reader.ReadString();
            service = reader.ReadString();
            method = reader.ReadString();
        }
        if (service != ConnectionService)
        {
            throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "Service not available.");
        }
        _keyboardInteractiveUser = null;
        var context = _contextFactory(user);

        switch (method)
        {
            case "none":
                SendFailure();
                return null;
            case "password":
                return await OnPasswordAsync(context, payload, cancellationToken).ConfigureAwait(false);
            case "publickey":
            case HostboundMethod:
                return await OnPublicKeyAsync(context, payload, method == HostboundMethod, cancellationToken).ConfigureAwait(false);
            case "keyboard-interactive":
                _keyboardInteractiveUser = user;
                SendPasswordPrompt();
                return null;
            default:
                SendFailure();
                return null;
        }
    }

    private async ValueTask<SshPrincipal?> OnPasswordAsync(SshAuthContext context, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        string password;
        {
            var reader = SkipHeader(payload.Span);
            if (reader.ReadBoolean())
            {
                // Password change requests are not supported; treat as a failed attempt.
                return await FailAsync(context, "password", cancellationToken).ConfigureAwait(false);
            }
            password = reader.ReadString();
        }
        var result = await _authenticator.AuthenticatePasswordAsync(context, password, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(context, "password", result, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SshPrincipal?> OnPublicKeyAsync(SshAuthContext context, ReadOnlyMemory<byte> payload, bool hostbound, CancellationToken cancellationToken)
    {
        bool hasSignature;
        string algorithm;
        byte[] blob;
        byte[]? signature = null;
        int signedLength;
        {
            var span = payload.Span;
            var reader = SkipHeader(span);
            hasSignature = reader.ReadBoolean();
            algorithm = reader.ReadString();
            blob = reader.ReadBinary().ToArray();
            if (hostbound)
            {
                var boundKey = reader.ReadBinary();
                if (_hostKeyBlob() is not { } ours || !boundKey.SequenceEqual(ours))
                {
                    throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Host key binding mismatch.");
                }
            }
            signedLength = 1 + reader.Position;
            if (hasSignature)
            {
                signature = reader.ReadBinary().ToArray();
            }
        }

        SshPublicKey key;
        try
        {
            key = SshPublicKey.FromBlob(blob);
        }
        catch (FormatException)
        {
            return await FailAsync(context, "publickey", cancellationToken).ConfigureAwait(false);
        }
        if (!AlgorithmMatchesKey(algorithm, key.KeyType))
        {
            return await FailAsync(context, "publickey", cancellationToken).ConfigureAwait(false);
        }

        if (!hasSignature)
        {
            var query = await _authenticator.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
            if (query.Succeeded)
            {
                using var ok = new SshWriter(blob.Length + 64);
                ok.WriteMessage(SshMessageNumber.UserAuthPkOk).WriteString(algorithm).WriteBinary(blob);
                _transport.Enqueue(ok.WrittenSpan);
            }
            else
            {
                SendFailure();
            }
            return null;
        }

        using (var signed = new SshWriter(signedLength + 64))
        {
            signed.WriteBinary(_sessionId());
            signed.WriteRaw(payload.Span[..signedLength]);
            if (!key.VerifySignature(signed.WrittenSpan, signature!, out string signatureAlgorithm) || signatureAlgorithm != algorithm)
            {
                Log.PublicKeySignatureInvalid(_logger, context.ConnectionId, context.UserName);
                return await FailAsync(context, "publickey", cancellationToken).ConfigureAwait(false);
            }
        }
        var result = await _authenticator.AuthenticatePublicKeyAsync(context, key, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(context, "publickey", result, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SshPrincipal?> OnInfoResponseAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        string? user = _keyboardInteractiveUser;
        _keyboardInteractiveUser = null;
        if (user is null)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected keyboard-interactive response.");
        }
        string? answer;
        {
            var reader = new SshReader(payload.Span[1..]);
            uint count = reader.ReadUInt32();
            answer = count == 1 ? reader.ReadString() : null;
        }
        var context = _contextFactory(user);
        if (answer is null)
        {
            return await FailAsync(context, "keyboard-interactive", cancellationToken).ConfigureAwait(false);
        }
        var result = await _authenticator.AuthenticatePasswordAsync(context, answer, cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(context, "keyboard-interactive", result, cancellationToken).ConfigureAwait(false);
    }

    private static SshReader SkipHeader(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload[1..]);
        reader.ReadBinary();
        reader.ReadBinary();
        reader.ReadBinary();
        return reader;
    }

    private static bool AlgorithmMatchesKey(string algorithm, string keyType) => keyType == "ssh-rsa"
        ? algorithm is "rsa-sha2-256" or "rsa-sha2-512"
        : algorithm == keyType;

    /// <summary>
    /// Turns the authenticator's decision into the answer; a success must still pass the session gate (maximum
    /// sessions) before USERAUTH_SUCCESS is sent, else it is a failure with reason LimitReached.
    /// </summary>
    private async ValueTask<SshPrincipal?> CompleteAsync(SshAuthContext context, string method, SshAuthResult result, CancellationToken cancellationToken)
    {
        if (!result.Succeeded)
        {
            return await FailAsync(context, method, cancellationToken, result.FailureReason).ConfigureAwait(false);
        }
        if (_hooks is not null && !await _hooks.AdmitAsync(context, result.Principal!, cancellationToken).ConfigureAwait(false))
        {
            return await FailAsync(context, method, cancellationToken, SshAuthFailureReason.LimitReached).ConfigureAwait(false);
        }
        return Succeed(context, method, result.Principal!);
    }

    private SshPrincipal Succeed(SshAuthContext context, string method, SshPrincipal principal)
    {
        Log.AuthenticationSucceeded(_logger, context.ConnectionId, context.UserName, method, context.RemoteEndPoint?.ToString());
        // sessions branch: minimal observer loop, to be merged with the observer work on UserAuthService.
        _hooks?.NotifySucceeded(_logger, context, method, principal);
        _transport.Enqueue([(byte)SshMessageNumber.UserAuthSuccess]);
        return principal;
    }

    private async ValueTask<SshPrincipal?> FailAsync(SshAuthContext context, string method, CancellationToken cancellationToken,
        SshAuthFailureReason reason = SshAuthFailureReason.InvalidCredentials)
    {
        Log.AuthenticationFailed(_logger, context.ConnectionId, context.UserName, method, context.RemoteEndPoint?.ToString());
        // sessions branch: minimal observer loop, to be merged with the observer work on UserAuthService.
        _hooks?.NotifyFailed(_logger, context, method, reason);
        if (_hooks is { FailedPasswordDelay: var delay } && delay > TimeSpan.Zero && method is "password" or "keyboard-interactive")
        {
            // Slows password guessing on one connection (the defender's job across connections).
            await Task.Delay(delay, _hooks.Time, cancellationToken).ConfigureAwait(false);
        }
        if (++_failures >= _maxAttempts)
        {
            throw new SshProtocolException(SshDisconnectReason.NoMoreAuthMethodsAvailable, "Too many authentication failures.");
        }
        SendFailure();
        return null;
    }

    private void SendFailure()
    {
        using var writer = new SshWriter(64);
        writer.WriteMessage(SshMessageNumber.UserAuthFailure).WriteNameList(Methods).WriteBoolean(false);
        _transport.Enqueue(writer.WrittenSpan);
    }

    private void SendPasswordPrompt()
    {
        using var writer = new SshWriter(64);
        writer.WriteMessage(SshMessageNumber.UserAuthInfoRequest)
            .WriteString(string.Empty)
            .WriteString(string.Empty)
            .WriteString(string.Empty)
            .WriteUInt32(1)
            .WriteString("Password: ")
            .WriteBoolean(false);
        _transport.Enqueue(writer.WrittenSpan);
    }
}

/// <summary>Builds the context of one authentication attempt for a user name.</summary>
internal delegate SshAuthContext SshAuthContextFactory(string userName);
