using Microsoft.Extensions.Logging;

namespace SftpKit.Events;

/// <summary>
/// Log events of the event pipeline (ids 4000–4049, category <c>SftpKit.Events</c>). The transfer, command, login and
/// connection records use snake_case property names (<c>elapsed_ms</c>, <c>size_bytes</c>, <c>username</c>,
/// <c>file_path</c>, <c>connection_id</c>, <c>protocol</c>, ...) so JSON log consumers see stable field names. Never logs
/// secrets or file content.
/// </summary>
internal static partial class EventsLog
{
    public const string CategoryName = "SftpKit.Events";

    [LoggerMessage(4000, LogLevel.Information,
        "{protocol} {action} {file_path} by {username}: {status} {error}, {size_bytes} bytes in {elapsed_ms} ms (connection {connection_id}, session {session_id}, from {remote_address})",
        EventName = "Transfer")]
    public static partial void Transfer(ILogger logger, string protocol, string action, string? file_path, string? username,
        string status, string error, long? size_bytes, long? elapsed_ms, string? connection_id, string? session_id, string? remote_address);

    [LoggerMessage(4001, LogLevel.Information,
        "{protocol} {action} {file_path} {target_path} by {username}: {status} {error}, {size_bytes} bytes in {elapsed_ms} ms (connection {connection_id}, session {session_id}, from {remote_address})",
        EventName = "Command")]
    public static partial void Command(ILogger logger, string protocol, string action, string? file_path, string? target_path,
        string? username, string status, string error, long? size_bytes, long? elapsed_ms, string? connection_id, string? session_id, string? remote_address);

    [LoggerMessage(4002, LogLevel.Information,
        "{protocol} login by {username} with {login_method} from {remote_address} (connection {connection_id})",
        EventName = "Login")]
    public static partial void Login(ILogger logger, string protocol, string? username, string login_method, string? remote_address, string? connection_id);

    [LoggerMessage(4003, LogLevel.Information,
        "{protocol} login failed for {username} with {login_method} from {remote_address}: {error} (connection {connection_id})",
        EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, string protocol, string? username, string login_method, string? remote_address, string error, string? connection_id);

    [LoggerMessage(4004, LogLevel.Information,
        "{protocol} connection from {remote_address} failed: {error} after {elapsed_ms} ms (connection {connection_id})",
        EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string protocol, string? remote_address, string error, long? elapsed_ms, string? connection_id);

    [LoggerMessage(4005, LogLevel.Debug, "{protocol} connection from {remote_address} (connection {connection_id})", EventName = "Connected")]
    public static partial void Connected(ILogger logger, string protocol, string? remote_address, string? connection_id);

    [LoggerMessage(4006, LogLevel.Debug,
        "{protocol} connection from {remote_address} by {username} closed after {elapsed_ms} ms, {bytes_received} bytes received, {bytes_sent} sent (connection {connection_id})",
        EventName = "Disconnected")]
    public static partial void Disconnected(ILogger logger, string protocol, string? remote_address, string? username, long? elapsed_ms,
        long? bytes_received, long? bytes_sent, string? connection_id);

    [LoggerMessage(4010, LogLevel.Information, "Pre-event {Kind} of {UserName} on {Path} denied by {Handler}: {Reason}", EventName = "PreEventDenied")]
    public static partial void PreEventDenied(ILogger logger, SftpEventKind kind, string? userName, string? path, string handler, string? reason);

    [LoggerMessage(4011, LogLevel.Warning, "Pre-event handler {Handler} timed out after {TimeoutMs} ms on {Kind}; the operation is {Outcome}", EventName = "PreEventHandlerTimedOut")]
    public static partial void PreEventHandlerTimedOut(ILogger logger, string handler, long timeoutMs, SftpEventKind kind, string outcome);

    [LoggerMessage(4012, LogLevel.Warning, "Pre-event handler {Handler} failed on {Kind}; the operation is {Outcome}", EventName = "PreEventHandlerFailed")]
    public static partial void PreEventHandlerFailed(ILogger logger, string handler, SftpEventKind kind, string outcome, Exception exception);

    [LoggerMessage(4013, LogLevel.Warning, "Post-event handler {Handler} timed out after {TimeoutMs} ms on {Kind} ({Count} handler failures since the last warning)", EventName = "PostEventHandlerTimedOut")]
    public static partial void PostEventHandlerTimedOut(ILogger logger, string handler, long timeoutMs, SftpEventKind kind, long count);

    [LoggerMessage(4014, LogLevel.Warning, "Post-event handler {Handler} failed on {Kind} ({Count} handler failures since the last warning)", EventName = "PostEventHandlerFailed")]
    public static partial void PostEventHandlerFailed(ILogger logger, string handler, SftpEventKind kind, long count, Exception exception);

    [LoggerMessage(4015, LogLevel.Warning, "Post-event queue full (capacity {Capacity}): {Count} events dropped since the last warning, {Total} in all", EventName = "PostEventsDropped")]
    public static partial void PostEventsDropped(ILogger logger, int capacity, long count, long total);

    [LoggerMessage(4020, LogLevel.Debug, "HTTP event notification for {Kind} answered {StatusCode}", EventName = "HttpNotificationAnswered")]
    public static partial void HttpNotificationAnswered(ILogger logger, SftpEventKind kind, int statusCode);

    [LoggerMessage(4030, LogLevel.Warning, "Event command {FileName} for {Kind} killed after {TimeoutMs} ms", EventName = "CommandActionKilled")]
    public static partial void CommandActionKilled(ILogger logger, string fileName, SftpEventKind kind, long timeoutMs);

    [LoggerMessage(4031, LogLevel.Debug, "Event command {FileName} for {Kind} exited with {ExitCode}", EventName = "CommandActionExited")]
    public static partial void CommandActionExited(ILogger logger, string fileName, SftpEventKind kind, int exitCode);
}
