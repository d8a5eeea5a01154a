namespace SftpKit.Accounts;

/// <summary>How an account belongs to a group; the numbers are SFTPGo's group mapping types.</summary>
public enum SftpGroupType
{
    /// <summary>The account's base settings (at most one per account): see <see cref="SftpGroup"/> for what it gives.</summary>
    Primary = 1,

    /// <summary>Adds virtual folders, permissions, file-name filters and network/method lists, never <c>/</c>, home or storage.</summary>
    Secondary = 2,

    /// <summary>Membership only: gives no settings (a tag for operators and admin roles).</summary>
    Membership = 3,
}
