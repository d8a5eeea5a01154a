namespace SftpKit;

/// <summary>
/// Observes every authentication outcome (register any number in DI as <c>ISshAuthenticationObserver</c>). Called on
/// the connection's own loop, so implementations must be fast; hand slow work to a queue. Exceptions are logged and
/// swallowed. The <c>none</c> method and partial successes of a multi-step login are not reported.
/// </summary>
public interface ISshAuthenticationObserver
{
    /// <summary>A user logged in with <paramref name="method"/> (the final method of a multi-step login).</summary>
    void OnSucceeded(SshAuthContext context, string method, SshPrincipal principal);

    /// <summary>An attempt with <paramref name="method"/> failed for <paramref name="reason"/>.</summary>
    void OnFailed(SshAuthContext context, string method, SshAuthFailureReason reason);
}
