using Microsoft.Extensions.Logging;

namespace SftpKit.Server;

/// <summary>Log events of the sample server (category <c>SftpKit.Server</c>), ids 9000–9049. Never logs passwords.</summary>
internal static partial class SampleLog
{
    public const string Category = "SftpKit.Server";

    [LoggerMessage(EventId = 9000, EventName = "ServerStarted", Level = LogLevel.Information,
        Message = "SftpKit {Version} serving SFTP on {SftpEndpoints}, admin API on {AdminUrls}, config directory {ConfigDirectory}")]
    public static partial void ServerStarted(ILogger logger, string version, string sftpEndpoints, string adminUrls, string configDirectory);

    [LoggerMessage(EventId = 9001, EventName = "ConfigurationFile", Level = LogLevel.Information, Message = "Configuration read from {ConfigFile}")]
    public static partial void ConfigurationFile(ILogger logger, string configFile);

    [LoggerMessage(EventId = 9002, EventName = "NoConfigurationFile", Level = LogLevel.Information,
        Message = "No sftpkit.json, sftpkit.yaml or sftpkit.yml in {ConfigDirectory}: defaults and environment variables only")]
    public static partial void NoConfigurationFile(ILogger logger, string configDirectory);

    [LoggerMessage(EventId = 9041, EventName = "ConfigurationTemplateNotRead", Level = LogLevel.Warning,
        Message = "{Template} is not read: only {ConfigDirectory} is searched. Copy it there (cp {Template} {ConfigDirectory}/) or pass --config-file")]
    public static partial void ConfigurationTemplateNotRead(ILogger logger, string template, string configDirectory);

    [LoggerMessage(EventId = 9003, EventName = "AccountSeeded", Level = LogLevel.Information, Message = "Account {UserName} {Action} from the command line")]
    public static partial void AccountSeeded(ILogger logger, string userName, string action);

    [LoggerMessage(EventId = 9004, EventName = "InitialAdminCreated", Level = LogLevel.Warning,
        Message = "No admin existed: created admin {Admin} ({PasswordSource}); change its password through the admin API")]
    public static partial void InitialAdminCreated(ILogger logger, string admin, string passwordSource);

    [LoggerMessage(EventId = 9006, EventName = "FirstAdminSetupPending", Level = LogLevel.Warning,
        Message = "No admin exists and {Variable} is unset: open the WebAdmin's setup page {SetupPath} from a browser on this machine (loopback only) to create the first admin")]
    public static partial void FirstAdminSetupPending(ILogger logger, string variable, string setupPath);

    [LoggerMessage(EventId = 9005, EventName = "AdminApiDisabled", Level = LogLevel.Information, Message = "Admin API disabled (SftpKit:Http:Enabled is false)")]
    public static partial void AdminApiDisabled(ILogger logger);
}
