namespace SftpKit;

/// <summary>
/// Decides whether a login whose credentials an <see cref="ISshAuthenticator"/> accepted may complete, whatever
/// authenticator that was (register any number in DI as <c>ISshLoginAuthorizer</c>; all must allow). Asked once per
/// login, after the final step and before USERAUTH_SUCCESS; a refusal is an ordinary authentication failure for the
/// client (one generic answer), scored by the defender and reported to observers with the returned reason. An
/// exception ends the attempt like an authenticator's ("Authentication is temporarily unavailable").
/// </summary>
public interface ISshLoginAuthorizer
{
    /// <summary>
    /// <see cref="SshAuthFailureReason.None"/> to let the login of <paramref name="principal"/> complete, else why not
    /// (usually <see cref="SshAuthFailureReason.AccessDenied"/>). <see cref="SshAuthContext.Method"/> is the final
    /// method; <see cref="SshAuthContext.PassedMethods"/> lists the earlier steps of a multi-step login.
    /// </summary>
    ValueTask<SshAuthFailureReason> AuthorizeAsync(SshAuthContext context, SshPrincipal principal, CancellationToken cancellationToken);
}
