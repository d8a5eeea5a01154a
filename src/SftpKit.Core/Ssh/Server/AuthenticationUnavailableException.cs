namespace SftpKit.Ssh.Server;

/// <summary>The authenticator (or the account store behind it) threw while deciding a login.</summary>
internal sealed class AuthenticationUnavailableException(Exception inner) : Exception("Authentication is unavailable.", inner);
