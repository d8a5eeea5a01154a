namespace SftpKit.Accounts;

/// <summary>
/// Reads an account's groups from the <see cref="ISftpGroupStore"/> and merges them in (<see cref="SftpEffectiveAccount"/>).
/// Refuses (null with a reason) an account naming more than one primary group, a primary or secondary group that does
/// not exist, or any group when no group store is registered: a missing group may have carried a denial. Membership
/// groups give nothing and are not looked up. Used by logins, quota scans and retention checks.
/// </summary>
internal sealed class SftpAccountGroupResolver
{
    private readonly ISftpGroupStore? _groups;

    public SftpAccountGroupResolver(ISftpGroupStore? groups) => _groups = groups;

    public async ValueTask<(SftpAccount? Account, string? Refusal)> ResolveAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Groups.Count == 0)
        {
            return (account, null);
        }
        if (account.Groups.Count(g => g.Type == SftpGroupType.Primary) > 1)
        {
            return (null, "more than one primary group");
        }
        var groups = new List<SftpGroup>(account.Groups.Count);
        foreach (var membership in account.Groups.Where(m => m.Type != SftpGroupType.Membership))
        {
            if (_groups is null)
            {
                return (null, "groups named but no group store registered");
            }
            var group = await _groups.FindAsync(membership.Name, cancellationToken).ConfigureAwait(false);
            if (group is null)
            {
                return (null, "a group of the account does not exist");
            }
            groups.Add(group);
        }
        return (SftpEffectiveAccount.Compute(account, groups, RoleOf(account)), null);
    }

    /// <summary>The account's role for <c>%role%</c> (<see cref="SftpAccount.Role"/>; none expands to the empty string).</summary>
    private static string? RoleOf(SftpAccount account) => account.Role;
}
