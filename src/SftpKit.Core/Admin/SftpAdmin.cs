namespace SftpKit.Admin;

/// <summary>An administrator of the built-in admin authentication, kept by an <see cref="ISftpAdminStore"/>.</summary>
public sealed class SftpAdmin
{
    /// <summary>The login name (1–255 characters, no control characters, <c>/</c> or <c>\</c>).</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>The password hash (<c>SftpPasswordHasher</c> formats; new ones are argon2id). Never returned by the API.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>Disabled admins cannot obtain tokens, and their tokens and API keys stop working. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Permission names (<c>SftpAdminPermissions</c> of SftpKit.AspNetCore: <c>manage_users</c>, <c>view_connections</c>, ...); <c>*</c> grants all. Default empty (status and version only).</summary>
    public IList<string> Permissions { get; set; } = new List<string>();

    /// <summary>
    /// Source networks (addresses or CIDR, <see cref="Networking.SftpNetwork"/>'s rules) the admin may connect from;
    /// empty = any. Checked on every request; a list with an unreadable entry lets the admin in from nowhere.
    /// </summary>
    public IList<string> AllowedNetworks { get; set; } = new List<string>();

    /// <summary>Whether API keys may act as this admin (bound keys, or <c>KEY.username</c>). Default false.</summary>
    public bool AllowApiKeyAuth { get; set; }

    /// <summary>
    /// The role the admin is bound to; null = unbound (sees and manages every account). A bound admin sees and manages
    /// only accounts of its role, gives them its role, and can create or edit only admins of its role with permissions
    /// it holds itself.
    /// </summary>
    public string? Role { get; set; }

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpAdmin Clone() => new()
    {
        UserName = UserName,
        PasswordHash = PasswordHash,
        Enabled = Enabled,
        Permissions = new List<string>(Permissions),
        AllowedNetworks = new List<string>(AllowedNetworks),
        AllowApiKeyAuth = AllowApiKeyAuth,
        Role = Role,
        Description = Description,
    };
}

/// <summary>
/// An API key: the secret is shown once when created (<c>ID.SECRET</c>) and only its SHA-256 is stored.
/// Send it as the <c>X-SFTPKIT-API-KEY</c> header; an unbound key names the admin to act as: <c>ID.SECRET.admin</c>.
/// </summary>
public sealed class SftpApiKey
{
    /// <summary>The public identifier (the part before the first dot).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>A name for operators.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Lower-case hex SHA-256 of the secret part.</summary>
    public string SecretHash { get; set; } = string.Empty;

    /// <summary>When the key was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>After this instant the key is refused; null = never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The admin the key acts as; null = unbound: the caller names an admin with <c>KEY.username</c>.</summary>
    public string? Admin { get; set; }

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>A copy.</summary>
    public SftpApiKey Clone() => (SftpApiKey)MemberwiseClone();
}
