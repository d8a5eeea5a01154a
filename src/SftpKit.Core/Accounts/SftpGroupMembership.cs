namespace SftpKit.Accounts;

/// <summary>One group an account belongs to, and how (<see cref="SftpAccount.Groups"/>).</summary>
public sealed class SftpGroupMembership
{
    /// <summary>The group's name (<see cref="SftpGroup.Name"/>, ordinal).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>How the account belongs to the group. Defaults to <see cref="SftpGroupType.Primary"/>.</summary>
    public SftpGroupType Type { get; set; } = SftpGroupType.Primary;

    /// <summary>A copy.</summary>
    public SftpGroupMembership Clone() => new() { Name = Name, Type = Type };
}
