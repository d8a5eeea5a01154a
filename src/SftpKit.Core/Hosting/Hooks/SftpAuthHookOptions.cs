namespace SftpKit.Hosting.Hooks;

/// <summary>
/// External authentication hooks with SFTPGo's contracts (external auth, pre-login, check-password and
/// keyboard-interactive hooks), so hooks written for that format work unchanged. Each hook is an <c>http://</c> or
/// <c>https://</c> URL (called with an HTTP POST of JSON) or the absolute path of a program (run with a cleared
/// environment carrying the format's <c>SFTPGO_AUTHD_*</c> / <c>SFTPGO_LOGIND_*</c> variables); empty = off. Binds from
/// the configuration section <c>SftpKit:Auth</c>.
/// </summary>
public sealed class SftpAuthHookOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSectionName = "SftpKit:Auth";

    /// <summary>
    /// The external auth hook: receives the credentials and answers a user object (logged in, and created or updated
    /// in the account store when one is registered), an empty answer (the stored account decides), or a refusal (a
    /// user with an empty name, a non-200 status, a program's non-zero exit). Empty = off.
    /// </summary>
    public string? ExternalAuthHook { get; set; }

    /// <summary>
    /// Which methods <see cref="ExternalAuthHook"/> decides, the format's bitmask: 0 = all (default), 1 = password,
    /// 2 = public key, 4 = keyboard-interactive (8, TLS certificates, does not apply to SSH); combine by adding.
    /// </summary>
    public int ExternalAuthScope { get; set; }

    /// <summary>
    /// Seconds a successful external authentication is reused for the same user, method and credential without
    /// calling the hook again; 0 (default) = never. A user object's own <c>external_auth_cache_time</c> wins when
    /// above 0. At most <see cref="MaxCachedLogins"/> entries are kept.
    /// </summary>
    public int ExternalAuthCacheTime { get; set; }

    /// <summary>Most cached external authentications kept at once (oldest evicted first). Default 1024.</summary>
    public int MaxCachedLogins { get; set; } = 1024;

    /// <summary>
    /// The pre-login hook: receives the stored account (or <c>id</c> 0 when there is none) before the login's
    /// credentials are checked and may answer a user object to create or replace it in the account store (HTTP 204 or
    /// an empty program output = no change). Needs an account store. Not run for methods the external auth hook
    /// decides. Empty = off.
    /// </summary>
    public string? PreLoginHook { get; set; }

    /// <summary>
    /// The check-password hook for password logins: answers <c>{"status": 0|1|2, "to_verify": "..."}</c> (0 refused,
    /// 1 accepted, 2 check <c>to_verify</c> against the stored password). Needs an account store. Empty = off.
    /// </summary>
    public string? CheckPasswordHook { get; set; }

    /// <summary>Protocols the check-password hook applies to, the format's bitmask: 0 = all (default), 1 = SSH.</summary>
    public int CheckPasswordScope { get; set; }

    /// <summary>
    /// The keyboard-interactive hook: rounds of <c>questions</c>/<c>echos</c>/<c>instruction</c>, optionally
    /// <c>check_password</c> 1, ending with <c>auth_result</c> 1 (success) or another non-zero value. Needs the
    /// account to exist (in the store, or from the external auth hook). Empty = off.
    /// </summary>
    public string? KeyboardInteractiveHook { get; set; }

    /// <summary>How long one hook call may take (HTTP request or program run); past it the login fails. Default 30 s.</summary>
    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a whole keyboard-interactive hook conversation may take. Default 60 s.</summary>
    public TimeSpan KeyboardInteractiveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Most hook calls (and keyboard-interactive hook programs) running at once; a login waiting longer than
    /// <see cref="HookTimeout"/> for a place fails. Default 16.
    /// </summary>
    public int MaxConcurrentHooks { get; set; } = 16;

    /// <summary>Largest hook answer read (HTTP body or program output); a longer answer fails the login. Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;
}
