namespace SftpKit.Authentication.Ldap;

/// <summary>What the directory said about a user who logged in: the entry, its groups and what they map to.</summary>
public sealed class LdapIdentity
{
    /// <summary>The login name.</summary>
    public required string UserName { get; init; }

    /// <summary>The user's entry DN.</summary>
    public required string DistinguishedName { get; init; }

    /// <summary>The home directory read from the entry or made from the template; null when neither gives one.</summary>
    public string? HomeDirectory { get; init; }

    /// <summary>Authorized keys read from the entry.</summary>
    public IReadOnlyList<string> PublicKeys { get; init; } = [];

    /// <summary>The DNs of the directory groups the user is in.</summary>
    public IReadOnlyList<string> GroupDns { get; init; } = [];

    /// <summary>The SftpKit group names the user's directory groups map to (<see cref="LdapAuthenticationOptions.GroupMappings"/>).</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>The SftpKit role the user's directory groups map to (<see cref="LdapAuthenticationOptions.RoleMappings"/>); null = none.</summary>
    public string? Role { get; init; }

    /// <summary>True when the entry is disabled (Active Directory's flag or <see cref="LdapAuthenticationOptions.DisabledFilter"/>).</summary>
    public bool Disabled { get; init; }
}
