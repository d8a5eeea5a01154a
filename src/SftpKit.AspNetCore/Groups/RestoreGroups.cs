using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Groups;

/// <summary>
/// The <c>groups</c> of a backup document before a restore: each group valid and named once, and every group an
/// account of the backup belongs to either in the backup or in the group store already.
/// </summary>
internal static class RestoreGroups
{
    public static async Task<JsonArray> ValidateAsync(JsonObject document, JsonArray users, ISftpGroupStore? store, AdminServices admin,
        ValidationErrors errors, CancellationToken cancellationToken)
    {
        var nodes = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (document["groups"] is JsonArray list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                string prefix = $"groups[{i}]";
                var group = GroupJson.Read(list[i], prefix, errors);
                if (group is null)
                {
                    continue;
                }
                admin.Validator.ValidateGroup(group, prefix, errors);
                if (!string.IsNullOrEmpty(group.Name) && !names.Add(group.Name))
                {
                    errors.Add(prefix + ".name", "Another group of the backup has the same name.");
                }
                nodes.Add(JsonSerializer.SerializeToNode(group, AdminJson.Options));
            }
        }
        else if (document["groups"] is not null)
        {
            errors.Add("groups", "Must be an array of groups.");
        }
        for (int i = 0; i < users.Count; i++)
        {
            if (users[i]?["groups"] is not JsonArray memberships)
            {
                continue;
            }
            for (int j = 0; j < memberships.Count; j++)
            {
                if (memberships[j]?["name"]?.GetValue<string>() is not { Length: > 0 } name || names.Contains(name))
                {
                    continue;
                }
                if (store is null || await store.FindAsync(name, cancellationToken) is null)
                {
                    errors.Add($"users[{i}].groups[{j}].name", "No group with this name exists, in the backup or on the server.");
                }
            }
        }
        return nodes;
    }
}
