namespace SftpKit;

/// <summary>
/// The outcome of one authentication attempt: success (logs the user in), partial success
/// (<see cref="Continue"/>: this step passed, another method must follow) or failure.
/// </summary>
public sealed class SshAuthResult
{
    /// <summary>The method names a login step may require next.</summary>
    internal static readonly string[] KnownMethods = ["publickey", "password", "keyboard-interactive"];

    private static readonly SshAuthResult s_invalid = new(null, SshAuthFailureReason.InvalidCredentials, []);
    private static readonly SshAuthResult s_unknown = new(null, SshAuthFailureReason.UnknownUser, []);
    private static readonly SshAuthResult s_denied = new(null, SshAuthFailureReason.AccessDenied, []);
    private static readonly SshAuthResult s_limit = new(null, SshAuthFailureReason.LimitReached, []);

    private SshAuthResult(SshPrincipal? principal, SshAuthFailureReason reason, IReadOnlyList<string> nextMethods)
    {
        Principal = principal;
        FailureReason = reason;
        NextMethods = nextMethods;
    }

    /// <summary>The authenticated principal; null for a failure or a partial success.</summary>
    public SshPrincipal? Principal { get; }

    /// <summary>True when the attempt succeeded and the user is logged in.</summary>
    public bool Succeeded => Principal is not null;

    /// <summary>True when this step passed but the login needs one of <see cref="NextMethods"/> too.</summary>
    public bool IsPartialSuccess => NextMethods.Count > 0;

    /// <summary>The methods the client may use for the next step of a partial success; empty otherwise.</summary>
    public IReadOnlyList<string> NextMethods { get; }

    /// <summary>Why the attempt failed; <see cref="SshAuthFailureReason.None"/> on success or partial success.</summary>
    public SshAuthFailureReason FailureReason { get; }

    /// <summary>A failed attempt with wrong credentials.</summary>
    public static SshAuthResult Failed => s_invalid;

    /// <summary>A failed attempt for the given reason.</summary>
    public static SshAuthResult Fail(SshAuthFailureReason reason) => reason switch
    {
        SshAuthFailureReason.UnknownUser => s_unknown,
        SshAuthFailureReason.AccessDenied => s_denied,
        SshAuthFailureReason.LimitReached => s_limit,
        _ => s_invalid,
    };

    /// <summary>A successful attempt that logs <paramref name="principal"/> in.</summary>
    public static SshAuthResult Success(SshPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new SshAuthResult(principal, SshAuthFailureReason.None, []);
    }

    /// <summary>
    /// A partial success (RFC 4252 §5.1): this step passed, and the user must still pass one of
    /// <paramref name="nextMethods"/>. The client receives USERAUTH_FAILURE with partial success true and exactly these
    /// methods; attempts with other methods fail without asking the authenticator, and
    /// <see cref="SshAuthContext.PassedMethods"/> lists the steps passed so far. The login ends when a step returns
    /// <see cref="Success"/>. A login may pass at most 8 steps (further partial successes are failures).
    /// </summary>
    /// <param name="nextMethods">One or more of <c>publickey</c>, <c>password</c>, <c>keyboard-interactive</c>.</param>
    /// <exception cref="ArgumentException">The list is empty or names another method.</exception>
    public static SshAuthResult Continue(params string[] nextMethods)
    {
        ArgumentNullException.ThrowIfNull(nextMethods);
        if (nextMethods.Length == 0 || nextMethods.Any(m => !KnownMethods.Contains(m)))
        {
            throw new ArgumentException("Name one or more of publickey, password, keyboard-interactive.", nameof(nextMethods));
        }
        return new SshAuthResult(null, SshAuthFailureReason.None, nextMethods.Distinct(StringComparer.Ordinal).ToArray());
    }
}
