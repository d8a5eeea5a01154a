using SftpKit.Accounts;

namespace SftpKit;

/// <summary>
/// A user of the built-in in-memory user list (<c>AddInMemoryUsers</c>, <c>SftpServerOptions.Users</c>): shorthand for
/// an <see cref="SftpAccount"/> with a user name, credentials, a home directory and a session limit. At start each
/// becomes an account of an in-memory account store, authenticated like every account and run through the same
/// session pipeline (the server-wide policies and the event handlers apply).
/// </summary>
public sealed class SshUser
{
    /// <summary>The login name.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>
    /// The password hash: argon2id as produced by <see cref="Accounts.SftpPasswordHasher.Hash"/>, or any format
    /// <see cref="Accounts.SftpPasswordHasher.Verify"/> reads (bcrypt, PBKDF2, SHA-crypt, md5crypt). Null disables
    /// password login for this user.
    /// </summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// A plain password, accepted from configuration for convenience and hashed when the user list is loaded; prefer
    /// <see cref="PasswordHash"/>. Never logged.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>Authorized public keys as authorized_keys lines (<c>type base64 [comment]</c>).</summary>
    public IList<string> AuthorizedKeys { get; set; } = new List<string>();

    /// <summary>
    /// Methods this user must pass one after another, as OpenSSH's <c>AuthenticationMethods publickey,password</c>:
    /// e.g. <c>["publickey", "password"]</c> asks for a key, then a password. Each entry is <c>publickey</c> (a listed
    /// key or a valid certificate), <c>password</c> or <c>keyboard-interactive</c>; at most 8 entries. Defaults to
    /// empty: any one method logs the user in.
    /// </summary>
    public IList<string> RequiredAuthenticationMethods { get; set; } = new List<string>();

    /// <summary>
    /// The user's home directory on local disk: the root of their SFTP, SCP and hash-command sessions under the default
    /// file-system provider (created if missing; a relative path resolves against the current directory). Required
    /// for every user when <c>AddSftp()</c>, <c>AddScp()</c> or <c>AddHashCommands()</c> is used without
    /// <c>AddFileSystemProvider&lt;T&gt;()</c>: a user without one fails options validation at start. Defaults to null.
    /// </summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Sessions the user may hold at once (<see cref="SshPrincipal.MaxSessions"/>); 0 means unlimited. Defaults to 0.</summary>
    public int MaxSessions { get; set; }

    /// <summary>
    /// The account this user stands for: user name, password hash (a plain <see cref="Password"/> hashed with
    /// <see cref="SftpPasswordHasher.Hash"/>), authorized keys, required login steps, home directory and session limit;
    /// every other rule at its default.
    /// </summary>
    internal SftpAccount ToAccount() => new()
    {
        UserName = UserName,
        PasswordHash = PasswordHash ?? (Password is { Length: > 0 } plain ? SftpPasswordHasher.Hash(plain) : null),
        PublicKeys = new List<string>(AuthorizedKeys),
        RequiredLoginSteps = new List<string>(RequiredAuthenticationMethods),
        HomeDirectory = HomeDirectory,
        MaxSessions = MaxSessions,
    };
}
