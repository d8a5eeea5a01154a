using Microsoft.Extensions.Logging;

namespace SftpKit.Server;

/// <summary>
/// Log events of the sample's service behaviour (category <c>SftpKit.Server</c>), ids 9040–9049: the HTTPS certificate
/// reload, configuration reloads and unknown configuration keys. Never logs passwords or key material.
/// </summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 9040, EventName = "CertificateLoaded", Level = LogLevel.Information,
        Message = "HTTPS certificate {Subject} (serial {Serial}, SHA-256 {Fingerprint}, expires {NotAfter:O}) loaded from {Path}")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string serial, string fingerprint, DateTime notAfter, string path);

    [LoggerMessage(EventId = 9041, EventName = "CertificateReloadFailed", Level = LogLevel.Warning,
        Message = "HTTPS certificate files changed but could not be read; the previous certificate stays in use: {Reason}")]
    public static partial void CertificateReloadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9042, EventName = "ConfigurationReloaded", Level = LogLevel.Information,
        Message = "Configuration reloaded ({Trigger}); changed keys applied live: {Keys}")]
    public static partial void ConfigurationReloaded(ILogger logger, string trigger, string keys);

    [LoggerMessage(EventId = 9043, EventName = "ConfigurationReloadFailed", Level = LogLevel.Error,
        Message = "Configuration reload ({Trigger}) failed; the previous settings stay in force: {Reason}")]
    public static partial void ConfigurationReloadFailed(ILogger logger, string trigger, string reason);

    [LoggerMessage(EventId = 9044, EventName = "ConfigurationNeedsRestart", Level = LogLevel.Warning,
        Message = "Configuration keys changed that take effect only after a restart: {Keys}")]
    public static partial void ConfigurationNeedsRestart(ILogger logger, string keys);

    [LoggerMessage(EventId = 9045, EventName = "UnknownConfigurationKey", Level = LogLevel.Warning,
        Message = "Unknown configuration key {Key}{Suggestion}; it is ignored")]
    public static partial void UnknownConfigurationKey(ILogger logger, string key, string suggestion);

    [LoggerMessage(EventId = 9046, EventName = "LogLevelChanged", Level = LogLevel.Warning,
        Message = "Log level changed to {Level}")]
    public static partial void LogLevelChanged(ILogger logger, string level);
}
