namespace SftpKit.FileSystem;

/// <summary>
/// Translates symbolic-link targets between their virtual form and what is stored on disk. An absolute virtual target
/// is stored relative to the link's directory behind a <c>./</c> marker (<c>/a/b</c> from <c>/x/y</c> becomes
/// <c>./../../a/b</c>), which resolves the same way for the kernel, stays inside the root for every process, and lets
/// the virtual form be given back exactly. Relative targets are stored as given (minus leading <c>./</c>), unless
/// they climb above the root, in which case they are clamped at the root as <see cref="VirtualPath"/> does.
/// </summary>
internal static class LocalLinkTargets
{
    private const string Marker = "./";

    /// <summary>The text to store for a client's <paramref name="target"/> in a link inside <paramref name="virtualParent"/>.</summary>
    public static string ToStored(string target, string virtualParent)
    {
        string absolute = VirtualPath.Normalize(target, virtualParent); // validates characters and length
        if (target.StartsWith('/') || ClimbsAboveRoot(target, virtualParent))
        {
            return Marker + Path.GetRelativePath(virtualParent, absolute);
        }
        string relative = target;
        while (relative.StartsWith(Marker, StringComparison.Ordinal))
        {
            relative = relative[Marker.Length..].TrimStart('/');
        }
        return relative.Length == 0 ? "." : relative;
    }

    /// <summary>The client-facing form of a stored target of a link inside <paramref name="virtualParent"/>.</summary>
    public static string ToVirtual(string stored, string virtualParent, LocalPathResolver paths)
    {
        if (stored.StartsWith(Marker, StringComparison.Ordinal))
        {
            return VirtualPath.Normalize(stored, virtualParent);
        }
        if (stored.StartsWith('/'))
        {
            // Made by another process: show it as a virtual path when it points inside, never reveal server paths.
            string lexical = Path.GetFullPath(stored);
            return paths.IsInside(lexical)
                ? paths.ToVirtual(lexical)
                : throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
        }
        return stored;
    }

    private static bool ClimbsAboveRoot(string relative, string virtualParent)
    {
        int depth = virtualParent.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        foreach (var segment in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (--depth < 0)
                {
                    return true;
                }
            }
            else if (segment != ".")
            {
                depth++;
            }
        }
        return false;
    }
}
