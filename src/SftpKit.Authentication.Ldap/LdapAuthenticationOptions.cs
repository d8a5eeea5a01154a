namespace SftpKit.Authentication.Ldap;

/// <summary>
/// LDAP / Active Directory logins. Two ways to find the user: bind straight as <see cref="UserDnTemplate"/> (e.g.
/// <c>uid={0},ou=people,dc=example,dc=org</c>, or <c>{0}@corp.example</c> for Active Directory), or search-then-bind:
/// bind as the service account <see cref="BindDn"/>, search <see cref="SearchBase"/> with <see cref="SearchFilter"/>,
/// then bind as the entry found with the user's password. Binds from configuration section <c>SftpKit:Auth:Ldap</c>.
/// </summary>
public sealed class LdapAuthenticationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSectionName = "SftpKit:Auth:Ldap";

    /// <summary>The directory's host name or address. Required.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The directory's port; 0 (default) = 636 for <see cref="LdapTransportSecurity.Ldaps"/>, else 389.</summary>
    public int Port { get; set; }

    /// <summary>How the connection is protected. Default <see cref="LdapTransportSecurity.StartTls"/>.</summary>
    public LdapTransportSecurity Security { get; set; } = LdapTransportSecurity.StartTls;

    /// <summary>
    /// A directory of trusted CA certificates (PEM, hashed names as <c>c_rehash</c> makes them) for StartTLS and LDAPS
    /// on Linux and macOS; null = the system's trust store.
    /// </summary>
    public string? TrustedCertificatesDirectory { get; set; }

    /// <summary>
    /// The user's DN (or, for Active Directory, user principal name) with <c>{0}</c> for the login name, escaped for a
    /// DN; set it to bind as the user without a search. Leave empty to search-then-bind.
    /// </summary>
    public string? UserDnTemplate { get; set; }

    /// <summary>The service account's DN for search-then-bind (and for public-key logins); empty = anonymous search.</summary>
    public string? BindDn { get; set; }

    /// <summary>The service account's password. Never logged.</summary>
    public string? BindPassword { get; set; }

    /// <summary>Where users are searched (subtree), e.g. <c>ou=people,dc=example,dc=org</c>. Required without <see cref="UserDnTemplate"/>.</summary>
    public string? SearchBase { get; set; }

    /// <summary>
    /// The user search filter with <c>{0}</c> for the login name (escaped for a filter). Default <c>(uid={0})</c>;
    /// Active Directory: <c>(sAMAccountName={0})</c>.
    /// </summary>
    public string SearchFilter { get; set; } = "(uid={0})";

    /// <summary>
    /// Where groups are searched (subtree); empty = groups come from the user's <see cref="MemberOfAttribute"/> only.
    /// </summary>
    public string? GroupSearchBase { get; set; }

    /// <summary>
    /// The group search filter: <c>{0}</c> = the user's DN, <c>{1}</c> = the login name (both escaped). Default
    /// <c>(|(member={0})(uniqueMember={0})(memberUid={1}))</c>.
    /// </summary>
    public string GroupFilter { get; set; } = "(|(member={0})(uniqueMember={0})(memberUid={1}))";

    /// <summary>The user attribute listing group DNs (Active Directory and the memberof overlay). Default <c>memberOf</c>.</summary>
    public string MemberOfAttribute { get; set; } = "memberOf";

    /// <summary>
    /// Directory groups (a DN, or a group's <c>cn</c>; case-insensitive) mapped to SftpKit group names; the account's
    /// secondary groups (<see cref="SftpKit.Accounts.SftpAccount.Groups"/>) are the mapped names of every group the user
    /// is in, and each must exist in the group store. Empty = none.
    /// </summary>
    public IDictionary<string, string> GroupMappings { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Directory groups (DN or <c>cn</c>, case-insensitive) mapped to an SftpKit role name; the first listed group the
    /// user is in gives the account's role (<see cref="SftpKit.Accounts.SftpAccount.Role"/>). Empty = no role.
    /// </summary>
    public IDictionary<string, string> RoleMappings { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Directory groups (DN or <c>cn</c>) the user must be in to log in at all; empty (default) = any user.
    /// </summary>
    public IList<string> RequiredGroups { get; set; } = new List<string>();

    /// <summary>The attribute holding the home directory (absolute path). Default <c>homeDirectory</c>; empty = not read.</summary>
    public string? HomeDirectoryAttribute { get; set; } = "homeDirectory";

    /// <summary>The home directory when the entry has none, with <c>{0}</c> for the login name, e.g. <c>/srv/sftp/{0}</c>.</summary>
    public string? HomeDirectoryTemplate { get; set; }

    /// <summary>The attribute holding authorized keys (one per value). Default <c>sshPublicKey</c>; empty = not read.</summary>
    public string? PublicKeyAttribute { get; set; } = "sshPublicKey";

    /// <summary>
    /// An LDAP filter that marks a disabled entry (checked on the user's entry), e.g. <c>(pwdAccountLockedTime=*)</c>;
    /// Active Directory's disabled flag (<c>userAccountControl</c> bit 2) is always honoured. A disabled entry's account
    /// is refused by the login pipeline. Empty = none.
    /// </summary>
    public string? DisabledFilter { get; set; }

    /// <summary>Permissions of every LDAP account (SftpKit's names). Default <c>"/": ["*"]</c>.</summary>
    public IDictionary<string, IList<string>> Permissions { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// When true (default), a user the directory does not know is handed to the authenticator registered before (the
    /// account store, e.g. for local service accounts); when false, only directory users log in.
    /// </summary>
    public bool FallBackToLocalAccounts { get; set; } = true;

    /// <summary>How long one directory operation may take. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most directory logins running at once; others wait (up to <see cref="Timeout"/>). Default 16.</summary>
    public int MaxConcurrentOperations { get; set; } = 16;

    /// <summary>
    /// How long a successful login is reused for the same name and password (or key) without asking the directory;
    /// zero = never. Default 60 s. A password change or disabling in the directory takes effect after at most this long.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most cached logins kept at once (soonest to expire evicted first). Default 1024.</summary>
    public int MaxCacheEntries { get; set; } = 1024;
}
