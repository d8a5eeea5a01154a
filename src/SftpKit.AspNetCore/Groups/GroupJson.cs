using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Groups;

/// <summary>
/// A group as the admin API reads and writes it: <see cref="SftpGroup"/>'s JSON (camelCase) plus the read-only
/// <c>users</c> (the accounts that belong to it, with how). Secret storage settings read as <c>[redacted]</c> and,
/// sent back unchanged, keep the stored value.
/// </summary>
internal static class GroupJson
{
    private static readonly HashSet<string> s_members = AdminJson.Options.GetTypeInfo(typeof(SftpGroup)).Properties
        .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public static SftpGroup? Read(JsonNode? node, string prefix, ValidationErrors errors)
    {
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;
        if (node is not JsonObject obj)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A group must be a JSON object.");
            return null;
        }
        obj = (JsonObject)obj.DeepClone();
        obj.Remove("users");
        int before = errors.Count;
        foreach (var (name, _) in obj)
        {
            if (!s_members.Contains(name))
            {
                errors.Add(F(name), "Unknown field.");
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        var group = AdminJson.TryRead<SftpGroup>(obj, prefix, errors, "A group");
        if (group is null)
        {
            return null;
        }
        // JSON null for a collection means "empty".
        group.VirtualFolders ??= [];
        group.Permissions ??= new Dictionary<string, IList<string>>(StringComparer.Ordinal);
        group.FilePatterns ??= [];
        group.AllowedIPs ??= [];
        group.DeniedIPs ??= [];
        group.DeniedLoginMethods ??= [];
        group.FileSystem?.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in group.VirtualFolders)
        {
            folder?.FileSystem?.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
        }
        return group;
    }

    public static JsonObject Write(SftpGroup group, IEnumerable<(string UserName, SftpGroupType Type)> members)
    {
        var copy = group.Clone();
        Redact(copy.FileSystem);
        foreach (var folder in copy.VirtualFolders)
        {
            Redact(folder.FileSystem);
        }
        var obj = JsonSerializer.SerializeToNode(copy, AdminJson.Options)!.AsObject();
        obj["users"] = new JsonArray(members.OrderBy(m => m.UserName, StringComparer.Ordinal)
            .Select(m => (JsonNode)new JsonObject { ["userName"] = m.UserName, ["type"] = (int)m.Type }).ToArray());
        return obj;
    }

    /// <summary>Puts back the stored value of every secret setting a client sent as <c>[redacted]</c>.</summary>
    public static void RestoreRedacted(SftpGroup incoming, SftpGroup existing)
    {
        Restore(incoming.FileSystem, existing.FileSystem);
        foreach (var folder in incoming.VirtualFolders)
        {
            Restore(folder?.FileSystem, existing.VirtualFolders.FirstOrDefault(f => f.Name == folder?.Name)?.FileSystem);
        }
    }

    private static void Redact(SftpFileSystemConfig? fs)
    {
        if (fs is null)
        {
            return;
        }
        foreach (string name in fs.Settings.Keys.Where(AccountJson.IsSecretSetting).ToList())
        {
            fs.Settings[name] = AccountJson.Redacted;
        }
    }

    private static void Restore(SftpFileSystemConfig? incoming, SftpFileSystemConfig? existing)
    {
        if (incoming is null)
        {
            return;
        }
        foreach (string name in incoming.Settings.Where(s => s.Value == AccountJson.Redacted).Select(s => s.Key).ToList())
        {
            if (existing is not null && existing.Settings.TryGetValue(name, out string? stored))
            {
                incoming.Settings[name] = stored;
            }
            else
            {
                incoming.Settings.Remove(name);
            }
        }
    }
}
