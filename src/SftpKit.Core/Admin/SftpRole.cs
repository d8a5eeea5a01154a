namespace SftpKit.Admin;

/// <summary>
/// A role (SFTPGo's model): a name given to accounts and admins. An admin bound to a role sees and manages only the
/// accounts of that role. Kept by an <see cref="ISftpRoleStore"/>.
/// </summary>
public sealed class SftpRole
{
    /// <summary>The name (1–255 characters, no control characters, <c>/</c> or <c>\</c>), unique per server.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <summary>A copy.</summary>
    public SftpRole Clone() => (SftpRole)MemberwiseClone();
}
