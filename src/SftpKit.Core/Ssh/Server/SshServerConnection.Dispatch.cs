using SftpKit.Ssh.Connection;
using SftpKit.Ssh.Messages;

namespace SftpKit.Ssh.Server;

/// <summary>
/// The read loop's dispatcher: each packet goes by its message number's range (RFC 4250 §4.1.2) to the transport
/// (1–19), key exchange (20–49), ssh-userauth (50–79) or ssh-connection (80–127); anything else is UNIMPLEMENTED.
/// </summary>
internal sealed partial class SshServerConnection
{
    private bool _userAuthRequested;
    private long _packets;

    /// <summary>Handles one packet; false when the client said DISCONNECT. Completes synchronously unless it is an authentication attempt.</summary>
    private ValueTask<bool> DispatchAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        uint sequence = _transport!.ReceiveSequence - 1;
        _packets++;
        var span = payload.Span;
        var number = (SshMessageNumber)span[0];
        if (!_kex!.FirstKexDone)
        {
            EnforceInitialKex(number);
        }
        switch (number)
        {
            case SshMessageNumber.Disconnect:
                return ValueTask.FromResult(false);
            case SshMessageNumber.Ignore or SshMessageNumber.Debug or SshMessageNumber.Unimplemented:
                break;
            case SshMessageNumber.ServiceRequest:
                OnServiceRequest(ServiceRequestMessage.Read(span));
                break;
            case SshMessageNumber.NewKeys:
                OnKeyExchange(number, span);
                AcknowledgeReceived?.Invoke();
                break;
            case SshMessageNumber.KexInit or >= SshMessageNumber.KexEcdhInit and <= (SshMessageNumber)49:
                OnKeyExchange(number, span);
                break;
            case >= SshMessageNumber.UserAuthRequest and <= (SshMessageNumber)79:
                return OnUserAuthAsync(payload, cancellationToken);
            case >= SshMessageNumber.GlobalRequest and <= (SshMessageNumber)127:
                OnConnection(span);
                break;
            case SshMessageNumber.Ping:
                _transport.Send(new PongMessage(PingMessage.Read(span).Data));
                break;
            default:
                _transport.Send(new UnimplementedMessage(sequence));
                break;
        }
        return ValueTask.FromResult(true);
    }

    private static bool IsKeyExchange(SshMessageNumber number)
        => number is SshMessageNumber.KexInit or SshMessageNumber.NewKeys or >= SshMessageNumber.KexEcdhInit and <= (SshMessageNumber)49;

    private void EnforceInitialKex(SshMessageNumber number)
    {
        if (IsKeyExchange(number) || number == SshMessageNumber.Disconnect)
        {
            return;
        }
        // Strict kex (Terrapin fix): nothing but key exchange until the first NEWKEYS. The client's KEXINIT tells us
        // whether strict mode applies; a stray packet before it is caught when the KEXINIT arrives (packets > 1).
        if (_transport!.StrictKex || _packets == 1 && number != SshMessageNumber.Ignore && number != SshMessageNumber.Debug)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Unexpected message during initial key exchange.");
        }
    }

    private void OnKeyExchange(SshMessageNumber number, ReadOnlySpan<byte> payload)
    {
        var kex = _kex!;
        bool initial = !kex.FirstKexDone;
        if (kex.Handle(payload))
        {
            SshServerLog.KeyExchangeDone(_server.Logger, Id, kex.NegotiatedSummary);
            RecordKeyExchange(kex, initial);
        }
        else if (number == SshMessageNumber.KexInit && _packets > 1 && _transport!.StrictKex && !kex.FirstKexDone)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Strict kex: KEXINIT was not the first packet.");
        }
    }

    private void OnServiceRequest(ServiceRequestMessage request)
    {
        // A client may repeat the request before it is authenticated (paramiko does before every attempt, as
        // OpenSSH's sshd allows); after authentication there is no service left to start.
        if (request.ServiceName != "ssh-userauth" || _authenticated)
        {
            throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "Service not available.");
        }
        _userAuthRequested = true;
        _transport!.Send(new ServiceAcceptMessage(request.ServiceName));
    }

    private async ValueTask<bool> OnUserAuthAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!_userAuthRequested)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Authentication before service request.");
        }
        if (_authenticated)
        {
            return true; // RFC 4252 §5.1: requests after success are ignored.
        }
        AuthenticationAttempted = true;
        SshPrincipal? principal = null;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var span = StartAuthSpan(payload.Span);
        try
        {
            principal = await _auth!(payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (SshProtocolException or OperationCanceledException or IOException))
        {
            // The authenticator or the account store behind it failed (a database outage, say): not
            // the client's doing, so no failure is scored; the client is told to come back later.
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "authentication unavailable");
            throw new AuthenticationUnavailableException(ex);
        }
        finally
        {
            RecordAuthentication(span, payload.Span, principal is not null, started);
        }
        if (principal is not null)
        {
            OnAuthenticated(principal);
        }
        return true;
    }

    /// <summary>USERAUTH_SUCCESS went out: the connection counts as a session and the connection protocol starts.</summary>
    private void OnAuthenticated(SshPrincipal principal)
    {
        UserName = principal.UserName;
        _authenticated = true;
        Authenticated?.Invoke();
        Info.SetAuthenticated(principal);
        _server.Policies?.Metrics.SessionStarted();
        Touch();
        _connection = new ConnectionService(_transport!, principal, _remoteEndPoint, Id, _server.Subsystems, _server.Commands, _server.Logger,
            _settings.MaxChannelsPerConnection, (uint)_settings.ChannelWindowSize, _settings.ChannelMaxPacket, (uint)_settings.ChannelReceiveMaxPacket,
            _aborted.Token, Info);
    }

    private void OnConnection(ReadOnlySpan<byte> payload)
    {
        if (_connection is null)
        {
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "Connection protocol before authentication.");
        }
        Touch();
        _connection.Handle(payload);
    }
}
