using Microsoft.Extensions.Logging;

namespace SftpKit.Authentication.Ldap;

/// <summary>Log messages of LDAP logins (event ids 7100–7109). Names and DNs are logged; passwords never.</summary>
internal static partial class LdapLog
{
    [LoggerMessage(7100, LogLevel.Warning, "Connection {ConnectionId} user {UserName}: the directory could not be asked ({Error}: {Reason})", EventName = "LdapFailed")]
    public static partial void Failed(ILogger logger, string connectionId, string userName, string error, string reason);

    [LoggerMessage(7101, LogLevel.Information, "Connection {ConnectionId} user {UserName}: directory login refused ({Reason})", EventName = "LdapRefused")]
    public static partial void Refused(ILogger logger, string connectionId, string userName, string reason);

    [LoggerMessage(7102, LogLevel.Warning, "LDAP logins use no transport security (Security = None): passwords cross the network in clear text", EventName = "LdapPlaintext")]
    public static partial void Plaintext(ILogger logger);
}
