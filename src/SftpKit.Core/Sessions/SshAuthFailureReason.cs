namespace SftpKit;

/// <summary>Why an authentication attempt failed; logged and scored by the defender, never sent to the client.</summary>
public enum SshAuthFailureReason
{
    /// <summary>Not a failure.</summary>
    None = 0,

    /// <summary>A known user with a wrong password, key or answer (defender score 1 by default).</summary>
    InvalidCredentials,

    /// <summary>The user does not exist (defender score 2 by default).</summary>
    UnknownUser,

    /// <summary>The account exists but may not log in now: disabled, expired, source address or method denied.</summary>
    AccessDenied,

    /// <summary>A limit was hit, e.g. the account's maximum sessions (defender score 3 by default).</summary>
    LimitReached,
}
