using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Folders;

/// <summary>
/// A folder as the admin API reads and writes it: <see cref="SftpFolder"/>'s JSON (camelCase) plus the read-only
/// <c>usedSize</c>, <c>usedFiles</c> (tracked only for folders with their own quota) and <c>users</c> (who mounts it
/// where). Secret storage settings read as <c>[redacted]</c>.
/// </summary>
internal static class FolderJson
{
    private static readonly HashSet<string> s_members = AdminJson.Options.GetTypeInfo(typeof(SftpFolder)).Properties
        .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] s_readOnly = ["usedSize", "usedFiles", "users"];

    public static SftpFolder? Read(JsonNode? node, string prefix, ValidationErrors errors)
    {
        string F(string field) => prefix.Length == 0 ? field : prefix + "." + field;
        if (node is not JsonObject obj)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A folder must be a JSON object.");
            return null;
        }
        obj = (JsonObject)obj.DeepClone();
        foreach (string name in s_readOnly)
        {
            obj.Remove(name);
        }
        int before = errors.Count;
        foreach (var (name, _) in obj)
        {
            if (!s_members.Contains(name))
            {
                errors.Add(F(name), "Unknown field.");
            }
        }
        if (!obj.ContainsKey("fileSystem"))
        {
            errors.Add(F("fileSystem"), "The folder's storage is required.");
        }
        if (errors.Count > before)
        {
            return null;
        }
        var folder = AdminJson.TryRead<SftpFolder>(obj, prefix, errors, "A folder");
        if (folder is null)
        {
            return null;
        }
        folder.FileSystem?.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
        return folder;
    }

    public static async Task<JsonObject> WriteAsync(FolderEntry entry, ISftpQuotaStore? quotas, CancellationToken cancellationToken)
    {
        var copy = entry.Folder.Clone();
        foreach (string name in copy.FileSystem.Settings.Keys.Where(AccountJson.IsSecretSetting).ToList())
        {
            copy.FileSystem.Settings[name] = AccountJson.Redacted;
        }
        var obj = JsonSerializer.SerializeToNode(copy, AdminJson.Options)!.AsObject();
        if (quotas is not null && (copy.QuotaSize > 0 || copy.QuotaFiles > 0))
        {
            var usage = await quotas.GetAsync(SftpQuotaOwner.Folder(copy.Name), cancellationToken);
            obj["usedSize"] = usage.Size;
            obj["usedFiles"] = usage.Files;
        }
        obj["users"] = new JsonArray(entry.Mounts.OrderBy(m => m.UserName, StringComparer.Ordinal)
            .Select(m => (JsonNode)new JsonObject { ["userName"] = m.UserName, ["virtualPath"] = m.VirtualPath }).ToArray());
        return obj;
    }
}
