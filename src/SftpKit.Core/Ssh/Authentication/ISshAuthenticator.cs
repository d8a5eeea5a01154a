namespace SftpKit;

/// <summary>
/// Decides user authentication attempts (RFC 4252). The server has already verified any public-key signature, so
/// implementations only decide whether the key, password or answers are acceptable for the user. The client always
/// receives one generic failure answer; put the detail in the log.
/// </summary>
public interface ISshAuthenticator
{
    /// <summary>Decides a password attempt (also used for the password prompt of keyboard-interactive).</summary>
    ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken);

    /// <summary>
    /// Decides whether <paramref name="key"/> may log in as the user. Called for the unsigned query (to answer PK_OK)
    /// and again after the signature has been verified; only the second call's success logs the user in.
    /// </summary>
    ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken);
}
