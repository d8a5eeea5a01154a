using Microsoft.AspNetCore.Http;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>Listing and recursive removal for the web client, each step through the account's file system (policies, events).</summary>
internal static class WebTree
{
    /// <summary>Most entries a folder page shows; the rest are counted but not listed. Default 5000.</summary>
    public const int MaxListed = 5000;

    /// <summary>The entries of <paramref name="directory"/>: folders first, then by name; at most <see cref="MaxListed"/>.</summary>
    public static async Task<(List<VfsFileInfo> Entries, int Total)> ListAsync(IVirtualFileSystem files, string directory, CancellationToken ct)
    {
        var entries = new List<VfsFileInfo>();
        int total = 0;
        await foreach (var entry in files.ListAsync(directory, ct))
        {
            total++;
            if (entries.Count < MaxListed)
            {
                entries.Add(entry);
            }
        }
        entries.Sort((a, b) => (a.Type == VfsFileType.Directory, b.Type == VfsFileType.Directory) switch
        {
            (true, false) => -1,
            (false, true) => 1,
            _ => string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name),
        });
        return (entries, total);
    }

    /// <summary>Removes a file, a link, or a folder with everything in it (at most <paramref name="maxDepth"/> levels deep).</summary>
    public static async Task DeleteAsync(IVirtualFileSystem files, string path, int maxDepth, CancellationToken ct)
    {
        if (path == VirtualPath.Root)
        {
            throw new WebClientFailure(StatusCodes.Status403Forbidden, "Permission denied.");
        }
        var info = await files.GetInfoAsync(path, followLinks: false, ct);
        if (info.Type != VfsFileType.Directory)
        {
            await files.DeleteFileAsync(path, ct);
            return;
        }
        if (maxDepth <= 0)
        {
            throw new WebClientFailure(StatusCodes.Status413PayloadTooLarge, "Folders nest too deep to delete here.");
        }
        var children = new List<string>();
        await foreach (var child in files.ListAsync(path, ct))
        {
            children.Add(child.Name);
        }
        foreach (string child in children)
        {
            await DeleteAsync(files, VirtualPath.Combine(path, child), maxDepth - 1, ct);
        }
        await files.DeleteDirectoryAsync(path, ct);
    }
}
