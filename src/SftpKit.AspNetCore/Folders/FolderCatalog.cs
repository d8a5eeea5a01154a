using System.Text.Json.Nodes;
using SftpKit.Accounts;
using SftpKit.AspNetCore.Endpoints;
using SftpKit.AspNetCore.Validation;

namespace SftpKit.AspNetCore.Folders;

/// <summary>One account's mount of a folder.</summary>
/// <param name="UserName">The account.</param>
/// <param name="VirtualPath">Where the folder appears inside it.</param>
internal sealed record FolderMount(string UserName, string VirtualPath);

/// <summary>A folder as the API sees it: its definition, whether the folder store holds it, and who mounts it.</summary>
internal sealed class FolderEntry(SftpFolder folder, bool stored)
{
    public SftpFolder Folder { get; set; } = folder;

    public bool Stored { get; set; } = stored;

    public List<FolderMount> Mounts { get; } = [];
}

/// <summary>
/// The server's virtual folders: the definitions of the <see cref="ISftpFolderStore"/> plus every folder an account
/// mounts (an account's copy stands in for a folder the store lacks, e.g. accounts written before the folder store
/// existed). Built by listing every account, so each call costs one pass over the account store.
/// </summary>
internal static class FolderCatalog
{
    public static async Task<SortedDictionary<string, FolderEntry>> LoadAsync(ISftpUserStore users, ISftpFolderStore folders, CancellationToken cancellationToken)
    {
        var entries = new SortedDictionary<string, FolderEntry>(StringComparer.Ordinal);
        await foreach (var folder in folders.ListAsync(cancellationToken))
        {
            entries[folder.Name] = new FolderEntry(folder, stored: true);
        }
        await foreach (var account in users.ListAsync(cancellationToken))
        {
            foreach (var mount in account.VirtualFolders)
            {
                if (!entries.TryGetValue(mount.Name, out var entry))
                {
                    entries[mount.Name] = entry = new FolderEntry(SftpFolder.FromMount(mount), stored: false);
                }
                entry.Mounts.Add(new FolderMount(account.UserName, mount.VirtualPath));
            }
        }
        return entries;
    }

    /// <summary>
    /// Ties an account's mounts to the catalog before validation: a mount without <c>fileSystem</c> takes the
    /// folder's storage and quota; a mount with one must match the folder as defined (else 409). Mounts of
    /// <paramref name="account"/> itself (when replacing it) do not count as the folder's definition.
    /// Returns a problem result, or null (errors for unknown folders go to <paramref name="errors"/>).
    /// </summary>
    public static async Task<Microsoft.AspNetCore.Http.IResult?> ResolveMountsAsync(JsonNode? body, string prefix, SftpAccount account,
        ISftpUserStore users, ISftpFolderStore folders, ValidationErrors errors, CancellationToken cancellationToken)
    {
        if (account.VirtualFolders.Count == 0)
        {
            return null;
        }
        var catalog = await LoadAsync(users, folders, cancellationToken);
        var mountNodes = (body as JsonObject)?["virtualFolders"] as JsonArray;
        for (int i = 0; i < account.VirtualFolders.Count; i++)
        {
            var mount = account.VirtualFolders[i];
            if (mount is null || string.IsNullOrEmpty(mount.Name))
            {
                continue;
            }
            bool storageGiven = mountNodes is not null && i < mountNodes.Count && mountNodes[i] is JsonObject m && m["fileSystem"] is not null;
            FolderEntry? entry = catalog.GetValueOrDefault(mount.Name);
            // A definition that comes only from this account's own previous copy may change with the account.
            if (entry is not null && !entry.Stored && entry.Mounts.TrueForAll(x => x.UserName == account.UserName))
            {
                entry = null;
            }
            string field = $"{(prefix.Length == 0 ? "" : prefix + ".")}virtualFolders[{i}]";
            if (!storageGiven)
            {
                if (entry is null)
                {
                    errors.Add(field + ".fileSystem", $"There is no folder named '{mount.Name}': create it with POST /folders, or give the mount its fileSystem.");
                    continue;
                }
                mount.FileSystem = entry.Folder.FileSystem.Clone();
                mount.QuotaSize = entry.Folder.QuotaSize;
                mount.QuotaFiles = entry.Folder.QuotaFiles;
                continue;
            }
            if (entry is null || mount.FileSystem is null)
            {
                continue;
            }
            mount.FileSystem.Settings ??= new Dictionary<string, string>(StringComparer.Ordinal);
            RestoreRedacted(mount.FileSystem, entry.Folder.FileSystem);
            if (!SameDefinition(mount, entry.Folder))
            {
                return AdminRequest.Conflict($"The folder '{mount.Name}' exists with another storage or quota. Change it with PUT /folders/{{name}} "
                    + "(applied to every account mounting it), or omit the mount's fileSystem to mount it as defined.");
            }
        }
        return null;
    }

    /// <summary>After an account was written: folders it mounts that the folder store lacks are added to it.</summary>
    public static async Task StoreNewFoldersAsync(SftpAccount account, ISftpFolderStore folders, CancellationToken cancellationToken)
    {
        foreach (var mount in account.VirtualFolders)
        {
            if (await folders.FindAsync(mount.Name, cancellationToken) is not null)
            {
                continue;
            }
            try
            {
                await folders.CreateAsync(SftpFolder.FromMount(mount), cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // Created meanwhile by another request: that definition stands.
            }
        }
    }

    public static bool SameDefinition(SftpVirtualFolder mount, SftpFolder folder) =>
        mount.QuotaSize == folder.QuotaSize && mount.QuotaFiles == folder.QuotaFiles && SameStorage(mount.FileSystem, folder.FileSystem);

    public static bool SameStorage(SftpFileSystemConfig a, SftpFileSystemConfig b) =>
        string.Equals(a.Provider, b.Provider, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Root, b.Root, StringComparison.Ordinal)
        && a.Settings.Count == b.Settings.Count
        && a.Settings.All(s => b.Settings.TryGetValue(s.Key, out string? v) && string.Equals(v, s.Value, StringComparison.Ordinal));

    /// <summary>Secret settings sent back as <c>[redacted]</c> take the stored value.</summary>
    public static void RestoreRedacted(SftpFileSystemConfig incoming, SftpFileSystemConfig? existing)
    {
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
