using System.Net;
using Microsoft.Extensions.Logging;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>Log events of the web client (category <c>SftpKit.WebClient</c>), ids 8300–8349. Never logs passwords, hashes or keys.</summary>
internal static partial class WebClientLog
{
    public const string Category = "SftpKit.WebClient";

    [LoggerMessage(EventId = 8300, EventName = "WebClientLoggedIn", Level = LogLevel.Information, Message = "User {UserName} signed in to the web client from {RemoteAddress}")]
    public static partial void LoggedIn(ILogger logger, string userName, IPAddress? remoteAddress);

    [LoggerMessage(EventId = 8301, EventName = "WebClientLoginFailed", Level = LogLevel.Warning, Message = "Web client sign-in failed from {RemoteAddress}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, IPAddress? remoteAddress, string reason);

    [LoggerMessage(EventId = 8302, EventName = "WebClientSessionEnded", Level = LogLevel.Information, Message = "Web client session of {UserName} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string userName, string reason);

    [LoggerMessage(EventId = 8303, EventName = "WebClientOperationFailed", Level = LogLevel.Information, Message = "Web client {Operation} of {UserName} failed: {Error}")]
    public static partial void OperationFailed(ILogger logger, string operation, string userName, string error);

    [LoggerMessage(EventId = 8304, EventName = "WebClientFailure", Level = LogLevel.Error, Message = "Web client {Operation} of {UserName} failed")]
    public static partial void Failure(ILogger logger, string operation, string userName, Exception exception);

    [LoggerMessage(EventId = 8305, EventName = "WebClientProfileChanged", Level = LogLevel.Information, Message = "User {UserName} changed their {What} in the web client")]
    public static partial void ProfileChanged(ILogger logger, string userName, string what);
}
