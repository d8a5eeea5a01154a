using Microsoft.Extensions.Logging;

namespace SftpKit.Events;

/// <summary>
/// Always registered: writes each post-event as a structured log record in category <c>SftpKit.Events</c> — transfer
/// logs for uploads and downloads, command logs for the other file operations and exec commands, login and connection
/// records. Takes no part in pre-events. Runs on the raising thread (<see cref="IInlinePostEventHandler"/>), like any
/// other log call, so a file operation costs no thread-pool hand-off for its log record.
/// </summary>
internal sealed class SftpEventLogHandler : ISftpEventHandler, IInlinePostEventHandler
{
    /// <summary>The <see cref="SftpEvent.Properties"/> key whose value the login records show as the method.</summary>
    public const string LoginMethodProperty = "method";

    private readonly ILogger _logger;

    public SftpEventLogHandler(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger(EventsLog.CategoryName);
    }

    public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sftpEvent);
        var e = sftpEvent;
        string action = SftpEventNames.Action(e.Kind);
        string status = SftpEventNames.Status(e.Status);
        string error = e.Error ?? string.Empty;
        long? elapsedMs = SftpEventNames.Milliseconds(e.Elapsed);
        switch (e.Kind)
        {
            case SftpEventKind.Upload or SftpEventKind.Download:
                EventsLog.Transfer(_logger, e.Protocol, action, e.Path, e.UserName, status, error, e.Size, elapsedMs,
                    e.ConnectionId, e.SessionId, e.RemoteAddress);
                break;
            case SftpEventKind.Login:
                EventsLog.Login(_logger, e.Protocol, e.UserName, LoginMethod(e), e.RemoteAddress, e.ConnectionId);
                break;
            case SftpEventKind.LoginFailed:
                EventsLog.LoginFailed(_logger, e.Protocol, e.UserName, LoginMethod(e), e.RemoteAddress, error, e.ConnectionId);
                break;
            case SftpEventKind.Connect or SftpEventKind.Disconnect when e.Status != SftpEventStatus.Ok:
                EventsLog.ConnectionFailed(_logger, e.Protocol, e.RemoteAddress, error, elapsedMs, e.ConnectionId);
                break;
            case SftpEventKind.Connect:
                EventsLog.Connected(_logger, e.Protocol, e.RemoteAddress, e.ConnectionId);
                break;
            case SftpEventKind.Disconnect:
                EventsLog.Disconnected(_logger, e.Protocol, e.RemoteAddress, e.UserName, elapsedMs, e.BytesReceived, e.BytesSent, e.ConnectionId);
                break;
            default:
                EventsLog.Command(_logger, e.Protocol, action, e.Path, e.TargetPath, e.UserName, status, error, e.Size, elapsedMs,
                    e.ConnectionId, e.SessionId, e.RemoteAddress);
                break;
        }
        return ValueTask.CompletedTask;
    }

    private static string LoginMethod(SftpEvent e)
        => e.Properties.TryGetValue(LoginMethodProperty, out var method) ? method : string.Empty;
}
