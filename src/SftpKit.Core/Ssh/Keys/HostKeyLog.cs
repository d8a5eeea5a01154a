using Microsoft.Extensions.Logging;

namespace SftpKit.Ssh.Keys;

internal static partial class HostKeyLog
{
    [LoggerMessage(EventId = 2101, EventName = "HostKeyLoaded", Level = LogLevel.Information,
        Message = "Loaded {KeyType} host key {Fingerprint} from {Path}.")]
    public static partial void HostKeyLoaded(ILogger logger, string keyType, string fingerprint, string path);

    [LoggerMessage(EventId = 2102, EventName = "HostKeyGenerated", Level = LogLevel.Warning,
        Message = "No host keys found; generated {KeyType} host key {Fingerprint} at {Path}.")]
    public static partial void HostKeyGenerated(ILogger logger, string keyType, string fingerprint, string path);

    [LoggerMessage(EventId = 2103, EventName = "HostKeyFilePermissive", Level = LogLevel.Warning,
        Message = "Host key file {Path} is readable or writable by group or others (mode {Mode}); restrict it to the owner (chmod 600).")]
    public static partial void HostKeyFilePermissive(ILogger logger, string path, string mode);
}
