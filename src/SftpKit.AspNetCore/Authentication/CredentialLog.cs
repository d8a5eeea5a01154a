using Microsoft.Extensions.Logging;
using SftpKit.Accounts;

namespace SftpKit.AspNetCore;

/// <summary>Log events of second factors and access tokens (ids 8095–8096). Never logs a secret, code or token.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 8095, EventName = "CredentialsChanged", Level = LogLevel.Information, Message = "{Actor} {Change} of {Owner}")]
    public static partial void Changed(ILogger logger, string? actor, string change, SftpCredentialOwner owner);

    [LoggerMessage(EventId = 8096, EventName = "AccessTokenChanged", Level = LogLevel.Information, Message = "{Actor} {Change} access token {TokenId} of {Owner}")]
    public static partial void TokenChanged(ILogger logger, string? actor, string change, string tokenId, SftpCredentialOwner owner);
}
