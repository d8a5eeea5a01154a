using SftpKit.Events;
using SftpKit.Ssh;
using SftpKit.Ssh.Server;

namespace SftpKit.Hosting;

/// <summary>
/// The Connect and Disconnect events of every admitted connection, whatever authenticator, account store or host
/// serves it. Connect is a pre-event asked after admission (defender, limits, PROXY header: the address is the real
/// client's) and before our banner, so a handler's deny ends the connection before any login; then a Connect
/// post-event reports the answer. Disconnect is a post-event raised once the connection has ended, with its duration
/// and the bytes it moved on the wire. Connections dropped before admission (banned or block-listed hosts, connection
/// limits) raise neither.
/// </summary>
internal sealed partial class SftpServer
{
    /// <summary>What the Connect pre-event decided for a connection.</summary>
    private enum ConnectOutcome
    {
        /// <summary>The connection runs.</summary>
        Allowed,

        /// <summary>A handler denied it: the client gets DISCONNECT HOST_NOT_ALLOWED_TO_CONNECT before authentication.</summary>
        Refused,

        /// <summary>The server stopped while the handlers were asked: the socket is closed.</summary>
        Stopped,
    }

    /// <summary>The error text of a refused connection's events; the handler's own reason goes only to the log.</summary>
    private const string ConnectionRefusedError = "connection refused";

    /// <summary>
    /// Asks the pre-event handlers whether <paramref name="info"/> may proceed, bounded by the dispatcher's pre-event
    /// timeout per handler (and its fail-closed or fail-open setting), then raises the Connect post-event.
    /// </summary>
    private async Task<ConnectOutcome> RaiseConnectAsync(SftpConnection info, long startedTimestamp)
    {
        if (_events is null)
        {
            return ConnectOutcome.Allowed;
        }
        var connect = ConnectionEvent(SftpEventKind.Connect, info);
        SftpEventDecision decision;
        try
        {
            decision = await _events.RaisePreAsync(connect, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _events.RaisePost(connect with
            {
                Status = SftpEventStatus.Failed,
                Error = "server stopping",
                Elapsed = _policies.Time.GetElapsedTime(startedTimestamp),
            });
            return ConnectOutcome.Stopped;
        }
        _events.RaisePost(connect with
        {
            Status = decision.IsAllowed ? SftpEventStatus.Ok : SftpEventStatus.Denied,
            Error = decision.IsAllowed ? null : ConnectionRefusedError,
            Elapsed = _policies.Time.GetElapsedTime(startedTimestamp),
        });
        if (decision.IsAllowed)
        {
            return ConnectOutcome.Allowed;
        }
        Log.ConnectionRefusedByEventHandler(_logger, info.Id, info.RemoteEndPoint?.ToString());
        _policies.Metrics.ConnectionRefused("connect_event");
        return ConnectOutcome.Refused;
    }

    /// <summary>Runs, refuses or closes the connection as the Connect event decided.</summary>
    private static Task ServeAsync(SshServerConnection connection, ByteCountingNetworkStream stream, ConnectOutcome outcome) => outcome switch
    {
        ConnectOutcome.Allowed => connection.RunAsync(),
        ConnectOutcome.Refused => connection.RefuseAsync(SshDisconnectReason.HostNotAllowedToConnect, "Connection refused."),
        _ => stream.DisposeAsync().AsTask(),
    };

    /// <summary>
    /// Raises the Disconnect post-event: Ok for a connection that authenticated, Failed ("no authentication") for one
    /// that did not, Denied for one the Connect event refused.
    /// </summary>
    private void RaiseDisconnect(SftpConnection info, ByteCountingNetworkStream stream, long startedTimestamp, ConnectOutcome outcome)
    {
        if (_events is null)
        {
            return;
        }
        string? userName = info.UserName;
        var (status, error) = outcome switch
        {
            ConnectOutcome.Refused => (SftpEventStatus.Denied, ConnectionRefusedError),
            _ when userName is null => (SftpEventStatus.Failed, "no authentication"),
            _ => (SftpEventStatus.Ok, (string?)null),
        };
        _events.RaisePost(ConnectionEvent(SftpEventKind.Disconnect, info) with
        {
            UserName = userName,
            Status = status,
            Error = error,
            Elapsed = _policies.Time.GetElapsedTime(startedTimestamp),
            BytesReceived = stream.BytesRead,
            BytesSent = stream.BytesWritten,
        });
    }

    private static SftpEvent ConnectionEvent(SftpEventKind kind, SftpConnection info) => new()
    {
        Kind = kind,
        Protocol = SftpEventProtocol.Ssh,
        RemoteAddress = info.RemoteAddress?.ToString() ?? info.RemoteEndPoint?.ToString(),
        ConnectionId = info.Id,
        SessionId = info.Id,
    };
}
