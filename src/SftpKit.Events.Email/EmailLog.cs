using Microsoft.Extensions.Logging;

namespace SftpKit.Events.Email;

/// <summary>Log messages of the e-mail package (event ids 8600–8609). Never the password or message text.</summary>
internal static partial class EmailLog
{
    [LoggerMessage(8600, LogLevel.Debug, "Event e-mail sent through {Host}:{Port} to {Recipients} recipient(s) with {Attachments} attachment(s)", EventName = "EmailSent")]
    public static partial void Sent(ILogger logger, string host, int port, int recipients, int attachments);

    [LoggerMessage(8601, LogLevel.Warning, "Event e-mail through {Host}:{Port} failed", EventName = "EmailFailed")]
    public static partial void SendFailed(ILogger logger, string host, int port, Exception exception);
}
