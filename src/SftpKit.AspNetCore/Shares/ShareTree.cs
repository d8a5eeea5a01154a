using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.Shares;

/// <summary>
/// Paths inside a share, as the link's users see them, mapped to the owner's paths. A share of one folder shows that
/// folder's content at its root; a share of one file is that file; a share of several paths shows them by name at a
/// root of its own (<see cref="ShareLocation.IsVirtualRoot"/>). Request paths are normalised first (<c>..</c> stops
/// at the share's root), so nothing outside the shared paths is reachable.
/// </summary>
internal static class ShareTree
{
    /// <summary>Where <paramref name="relative"/> (a path inside the share; empty = its root) lands, or null when nowhere.</summary>
    public static ShareLocation? Resolve(SftpShare share, string? relative)
    {
        string inner = VirtualPath.Normalize("/" + (relative ?? string.Empty).TrimStart('/'));
        if (share.Paths.Count == 1)
        {
            string root = share.Paths[0];
            return new ShareLocation(inner == VirtualPath.Root ? root : Join(root, inner), inner, false);
        }
        if (inner == VirtualPath.Root)
        {
            return new ShareLocation(null, inner, true);
        }
        int slash = inner.IndexOf('/', 1);
        string first = slash < 0 ? inner[1..] : inner[1..slash];
        string rest = slash < 0 ? VirtualPath.Root : inner[slash..];
        string? item = share.Paths.FirstOrDefault(p => string.Equals(VirtualPath.GetName(p), first, StringComparison.Ordinal));
        return item is null ? null : new ShareLocation(rest == VirtualPath.Root ? item : Join(item, rest), inner, false);
    }

    /// <summary>The entries at a location: the shared items at a virtual root, else the folder's listing.</summary>
    public static async IAsyncEnumerable<VfsFileInfo> ListAsync(IVirtualFileSystem fileSystem, SftpShare share, ShareLocation location,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (location.IsVirtualRoot)
        {
            foreach (string path in share.Paths)
            {
                VfsFileInfo? info = null;
                try
                {
                    info = await fileSystem.GetInfoAsync(path, followLinks: true, cancellationToken);
                }
                catch (VfsException)
                {
                    // A shared path removed since is left out.
                }
                if (info is not null)
                {
                    yield return info with { Name = VirtualPath.GetName(path) };
                }
            }
            yield break;
        }
        await foreach (var entry in fileSystem.ListAsync(location.OwnerPath!, cancellationToken))
        {
            if (entry.Name is not "." and not "..")
            {
                yield return entry;
            }
        }
    }

    private static string Join(string root, string inner) => root == VirtualPath.Root ? inner : root + inner;
}

/// <summary>A place inside a share.</summary>
/// <param name="OwnerPath">The path in the owner's file system; null at a virtual root.</param>
/// <param name="SharePath">The normalised path inside the share (<c>/</c> = its root).</param>
/// <param name="IsVirtualRoot">True at the root of a share of several paths.</param>
internal sealed record ShareLocation(string? OwnerPath, string SharePath, bool IsVirtualRoot);
