using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Groups;

/// <summary>Who belongs to which group, from one pass over the account store.</summary>
internal static class GroupMembers
{
    public static async Task<Dictionary<string, List<(string UserName, SftpGroupType Type)>>> LoadAsync(ISftpUserStore users, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, List<(string, SftpGroupType)>>(StringComparer.Ordinal);
        await foreach (var account in users.ListAsync(cancellationToken))
        {
            foreach (var membership in account.Groups)
            {
                if (!members.TryGetValue(membership.Name, out var list))
                {
                    members[membership.Name] = list = [];
                }
                list.Add((account.UserName, membership.Type));
            }
        }
        return members;
    }

    public static IEnumerable<(string UserName, SftpGroupType Type)> Of(Dictionary<string, List<(string UserName, SftpGroupType Type)>> members, string group) =>
        members.TryGetValue(group, out var list) ? list : [];

    /// <summary>Adds an error for each of <paramref name="account"/>'s groups that the registered group store does not hold.</summary>
    public static async Task CheckExistAsync(SftpAccount account, string prefix, HttpContext context, ValidationErrors errors)
    {
        if (account.Groups.Count == 0)
        {
            return;
        }
        var groups = context.RequestServices.GetService<ISftpGroupStore>();
        for (int i = 0; i < account.Groups.Count; i++)
        {
            if (account.Groups[i]?.Name is not { Length: > 0 } name)
            {
                continue;
            }
            if (groups is null || await groups.FindAsync(name, context.RequestAborted) is null)
            {
                errors.Add($"{(prefix.Length == 0 ? "" : prefix + ".")}groups[{i}].name", "No group with this name exists.");
            }
        }
    }
}
