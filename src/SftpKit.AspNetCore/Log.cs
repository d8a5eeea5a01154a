using System.Net;
using Microsoft.Extensions.Logging;

namespace SftpKit.AspNetCore;

/// <summary>Log events of the admin API (category <c>SftpKit.Admin</c>), ids 8000–8099. Never logs passwords, hashes, tokens or keys.</summary>
internal static partial class AdminLog
{
    public const string Category = "SftpKit.Admin";

    [LoggerMessage(EventId = 8000, EventName = "AdminTokenIssued", Level = LogLevel.Information, Message = "Admin {Admin} obtained a token from {RemoteAddress}")]
    public static partial void TokenIssued(ILogger logger, string admin, IPAddress? remoteAddress);

    [LoggerMessage(EventId = 8001, EventName = "AdminLoginFailed", Level = LogLevel.Warning, Message = "Admin login failed from {RemoteAddress}: {Reason}")]
    public static partial void LoginFailed(ILogger logger, IPAddress? remoteAddress, string reason);

    [LoggerMessage(EventId = 8002, EventName = "AdminAuthenticationRefused", Level = LogLevel.Debug, Message = "Admin API request from {RemoteAddress} refused: {Reason}")]
    public static partial void AuthenticationRefused(ILogger logger, IPAddress? remoteAddress, string reason);

    [LoggerMessage(EventId = 8003, EventName = "AdminLoginRateLimited", Level = LogLevel.Debug, Message = "Admin login from {RemoteAddress} refused: too many attempts, retry after {RetryAfter}")]
    public static partial void LoginRateLimited(ILogger logger, IPAddress? remoteAddress, TimeSpan retryAfter);

    [LoggerMessage(EventId = 8004, EventName = "AdminLoginFromRefusedHost", Level = LogLevel.Debug, Message = "Admin login from {RemoteAddress} refused: the address is banned or block-listed")]
    public static partial void LoginFromRefusedHost(ILogger logger, IPAddress? remoteAddress);

    [LoggerMessage(EventId = 8005, EventName = "AdminDefenderFailed", Level = LogLevel.Error, Message = "The defender failed for an admin login from {RemoteAddress}")]
    public static partial void DefenderFailed(ILogger logger, IPAddress? remoteAddress, Exception exception);

    [LoggerMessage(EventId = 8010, EventName = "AccountCreated", Level = LogLevel.Information, Message = "Admin {Admin} created account {UserName}")]
    public static partial void AccountCreated(ILogger logger, string? admin, string userName);

    [LoggerMessage(EventId = 8011, EventName = "AccountUpdated", Level = LogLevel.Information, Message = "Admin {Admin} updated account {UserName}")]
    public static partial void AccountUpdated(ILogger logger, string? admin, string userName);

    [LoggerMessage(EventId = 8012, EventName = "AccountDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted account {UserName}")]
    public static partial void AccountDeleted(ILogger logger, string? admin, string userName);

    [LoggerMessage(EventId = 8013, EventName = "QuotaUsageSet", Level = LogLevel.Information, Message = "Admin {Admin} set the quota usage of {UserName} to {Size} bytes, {Files} files")]
    public static partial void QuotaUsageSet(ILogger logger, string? admin, string userName, long size, long files);

    [LoggerMessage(EventId = 8020, EventName = "ConnectionClosedByAdmin", Level = LogLevel.Information, Message = "Admin {Admin} closed connection {ConnectionId} of {UserName}")]
    public static partial void ConnectionClosed(ILogger logger, string? admin, string connectionId, string? userName);

    [LoggerMessage(EventId = 8021, EventName = "BanRemoved", Level = LogLevel.Information, Message = "Admin {Admin} removed the defender entry of {Address}")]
    public static partial void BanRemoved(ILogger logger, string? admin, IPAddress address);

    [LoggerMessage(EventId = 8022, EventName = "BanAdded", Level = LogLevel.Information, Message = "Admin {Admin} banned {Address} for {Duration}")]
    public static partial void BanAdded(ILogger logger, string? admin, IPAddress address, TimeSpan duration);

    [LoggerMessage(EventId = 8030, EventName = "QuotaScanStarted", Level = LogLevel.Information, Message = "Quota scan of {UserName} started by {Admin}")]
    public static partial void QuotaScanStarted(ILogger logger, string userName, string? admin);

    [LoggerMessage(EventId = 8031, EventName = "QuotaScanCompleted", Level = LogLevel.Information, Message = "Quota scan of {UserName} done: {Size} bytes, {Files} files")]
    public static partial void QuotaScanCompleted(ILogger logger, string userName, long size, long files);

    [LoggerMessage(EventId = 8032, EventName = "QuotaScanFailed", Level = LogLevel.Warning, Message = "Quota scan of {UserName} failed")]
    public static partial void QuotaScanFailed(ILogger logger, string userName, Exception exception);

    [LoggerMessage(EventId = 8035, EventName = "BackupDumped", Level = LogLevel.Information, Message = "Admin {Admin} dumped the accounts")]
    public static partial void BackupDumped(ILogger logger, string? admin);

    [LoggerMessage(EventId = 8036, EventName = "BackupRestored", Level = LogLevel.Information, Message = "Admin {Admin} restored a backup ({Mode}): {Added} added, {Replaced} replaced, {Skipped} skipped")]
    public static partial void BackupRestored(ILogger logger, string? admin, string mode, int added, int replaced, int skipped);

    [LoggerMessage(EventId = 8040, EventName = "AdminCreated", Level = LogLevel.Information, Message = "Admin {Admin} created admin {Target}")]
    public static partial void AdminCreated(ILogger logger, string? admin, string target);

    [LoggerMessage(EventId = 8041, EventName = "AdminUpdated", Level = LogLevel.Information, Message = "Admin {Admin} updated admin {Target}")]
    public static partial void AdminUpdated(ILogger logger, string? admin, string target);

    [LoggerMessage(EventId = 8042, EventName = "AdminDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted admin {Target}")]
    public static partial void AdminDeleted(ILogger logger, string? admin, string target);

    [LoggerMessage(EventId = 8043, EventName = "ApiKeyCreated", Level = LogLevel.Information, Message = "Admin {Admin} created API key {KeyId} bound to {BoundAdmin}")]
    public static partial void ApiKeyCreated(ILogger logger, string? admin, string keyId, string? boundAdmin);

    [LoggerMessage(EventId = 8044, EventName = "ApiKeyDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted API key {KeyId}")]
    public static partial void ApiKeyDeleted(ILogger logger, string? admin, string keyId);

    [LoggerMessage(EventId = 8046, EventName = "FolderCreated", Level = LogLevel.Information, Message = "Admin {Admin} created folder {Folder}")]
    public static partial void FolderCreated(ILogger logger, string? admin, string folder);

    [LoggerMessage(EventId = 8047, EventName = "FolderUpdated", Level = LogLevel.Information, Message = "Admin {Admin} updated folder {Folder} and its {Mounts} mount(s)")]
    public static partial void FolderUpdated(ILogger logger, string? admin, string folder, int mounts);

    [LoggerMessage(EventId = 8048, EventName = "FolderDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted folder {Folder}")]
    public static partial void FolderDeleted(ILogger logger, string? admin, string folder);

    [LoggerMessage(EventId = 8050, EventName = "RetentionCheckStarted", Level = LogLevel.Information, Message = "Retention check of {UserName} started by {Admin} with {Policies} policies")]
    public static partial void RetentionCheckStarted(ILogger logger, string userName, string? admin, int policies);

    [LoggerMessage(EventId = 8051, EventName = "RetentionCheckCompleted", Level = LogLevel.Information, Message = "Retention check of {UserName} done: {Files} files, {Bytes} bytes deleted, {Errors} errors")]
    public static partial void RetentionCheckCompleted(ILogger logger, string userName, long files, long bytes, int errors);

    [LoggerMessage(EventId = 8052, EventName = "RetentionCheckFailed", Level = LogLevel.Warning, Message = "Retention check of {UserName} failed")]
    public static partial void RetentionCheckFailed(ILogger logger, string userName, Exception exception);

    [LoggerMessage(EventId = 8045, EventName = "AdminStoreLoadFailed", Level = LogLevel.Error, Message = "The admin store file {Path} could not be read")]
    public static partial void AdminStoreLoadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 8060, EventName = "ShareRevoked", Level = LogLevel.Information, Message = "Admin {Admin} revoked share {ShareId}")]
    public static partial void ShareRevoked(ILogger logger, string? admin, string shareId);

    [LoggerMessage(EventId = 8090, EventName = "GroupCreated", Level = LogLevel.Information, Message = "Admin {Admin} created group {Group}")]
    public static partial void GroupCreated(ILogger logger, string? admin, string group);

    [LoggerMessage(EventId = 8091, EventName = "GroupUpdated", Level = LogLevel.Information, Message = "Admin {Admin} updated group {Group}")]
    public static partial void GroupUpdated(ILogger logger, string? admin, string group);

    [LoggerMessage(EventId = 8092, EventName = "GroupDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted group {Group}")]
    public static partial void GroupDeleted(ILogger logger, string? admin, string group);

    [LoggerMessage(EventId = 8075, EventName = "RoleCreated", Level = LogLevel.Information, Message = "Admin {Admin} created role {Role}")]
    public static partial void RoleCreated(ILogger logger, string? admin, string role);

    [LoggerMessage(EventId = 8076, EventName = "RoleUpdated", Level = LogLevel.Information, Message = "Admin {Admin} updated role {Role}")]
    public static partial void RoleUpdated(ILogger logger, string? admin, string role);

    [LoggerMessage(EventId = 8077, EventName = "RoleDeleted", Level = LogLevel.Information, Message = "Admin {Admin} deleted role {Role}")]
    public static partial void RoleDeleted(ILogger logger, string? admin, string role);

    [LoggerMessage(EventId = 8080, EventName = "EventRuleObjectChanged", Level = LogLevel.Information, Message = "Admin {Admin} made change {Change} to {ObjectType} {Name}")]
    public static partial void EventRuleObjectChanged(ILogger logger, string? admin, string change, string objectType, string name);

    [LoggerMessage(EventId = 8081, EventName = "EventRuleRunRequested", Level = LogLevel.Information, Message = "Admin {Admin} ran event rule {Rule}: {Status}")]
    public static partial void EventRuleRunRequested(ILogger logger, string? admin, string rule, string status);
}
