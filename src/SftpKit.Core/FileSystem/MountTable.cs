namespace SftpKit.FileSystem;

/// <summary>Where a virtual path lives in a <see cref="MountedFileSystem"/>: which file system and the path inside it.</summary>
/// <param name="Index">The mount's index; -1 for the root file system.</param>
/// <param name="Prefix">The mount point (<c>/</c> for the root file system).</param>
/// <param name="FileSystem">The file system that owns the path.</param>
/// <param name="Path">The path as that file system sees it.</param>
internal readonly record struct MountTarget(int Index, string Prefix, IVirtualFileSystem FileSystem, string Path)
{
    /// <summary>Turns a path of this target's file system back into a virtual path.</summary>
    public string ToOuter(string innerPath)
    {
        if (Prefix == VirtualPath.Root)
        {
            return innerPath;
        }
        return innerPath == VirtualPath.Root ? Prefix : Prefix + innerPath;
    }
}

/// <summary>
/// The mount points of a <see cref="MountedFileSystem"/>, resolved by longest prefix. Mount points and their
/// ancestors ("pinned" directories) always exist as directories in the virtual tree, whatever the owning file
/// system holds there.
/// </summary>
internal sealed class MountTable
{
    private readonly IVirtualFileSystem _root;
    private readonly (string Path, IVirtualFileSystem FileSystem, int Index)[] _byLength;
    private readonly HashSet<string> _mountPoints = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ancestors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _children = new(StringComparer.Ordinal);

    public MountTable(IVirtualFileSystem root, IEnumerable<VfsMount> mounts)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(mounts);
        _root = root;
        var list = new List<(string, IVirtualFileSystem, int)>();
        foreach (var mount in mounts)
        {
            ArgumentNullException.ThrowIfNull(mount, nameof(mounts));
            ArgumentNullException.ThrowIfNull(mount.FileSystem, nameof(mounts));
            ArgumentException.ThrowIfNullOrEmpty(mount.VirtualPath, nameof(mounts));
            if (!mount.VirtualPath.StartsWith('/'))
            {
                throw new ArgumentException($"Mount point '{mount.VirtualPath}' is not an absolute path.", nameof(mounts));
            }
            string path = VirtualPath.Normalize(mount.VirtualPath);
            if (path == VirtualPath.Root)
            {
                throw new ArgumentException("A file system cannot be mounted at '/'; pass it as the root file system.", nameof(mounts));
            }
            if (!_mountPoints.Add(path))
            {
                throw new ArgumentException($"Two file systems are mounted at '{path}'.", nameof(mounts));
            }
            list.Add((path, mount.FileSystem, list.Count));
            for (string child = path, parent = VirtualPath.GetParent(path); ; child = parent, parent = VirtualPath.GetParent(parent))
            {
                if (!_children.TryGetValue(parent, out var names))
                {
                    _children[parent] = names = new SortedSet<string>(StringComparer.Ordinal);
                }
                names.Add(VirtualPath.GetName(child));
                if (parent == VirtualPath.Root)
                {
                    break;
                }
                _ancestors.Add(parent);
            }
        }
        _byLength = [.. list.OrderByDescending(m => m.Item1.Length)];
        Mounts = [.. list.Select(m => new VfsMount(m.Item1, m.Item2))];
    }

    /// <summary>The mounts with normalised paths, in the order given.</summary>
    public IReadOnlyList<VfsMount> Mounts { get; }

    /// <summary>The root file system, then every mounted one.</summary>
    public IEnumerable<IVirtualFileSystem> FileSystems => Mounts.Select(m => m.FileSystem).Prepend(_root);

    /// <summary>The file system owning <paramref name="path"/> (normalised) and the path inside it; the longest mount prefix wins.</summary>
    public MountTarget Resolve(string path)
    {
        foreach (var (prefix, fs, index) in _byLength)
        {
            if (path == prefix)
            {
                return new MountTarget(index, prefix, fs, VirtualPath.Root);
            }
            if (path.Length > prefix.Length && path[prefix.Length] == '/' && path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new MountTarget(index, prefix, fs, path[prefix.Length..]);
            }
        }
        return new MountTarget(-1, VirtualPath.Root, _root, path);
    }

    /// <summary>True for a mount point.</summary>
    public bool IsMountPoint(string path) => _mountPoints.Contains(path);

    /// <summary>True for a directory that holds a mount point somewhere below it (the root excluded).</summary>
    public bool IsMountAncestor(string path) => _ancestors.Contains(path);

    /// <summary>True for the root, a mount point or a mount point's ancestor: these can never be removed, renamed or replaced.</summary>
    public bool IsPinned(string path) => path == VirtualPath.Root || _mountPoints.Contains(path) || _ancestors.Contains(path);

    /// <summary>Names directly under <paramref name="path"/> that are mount points or their ancestors; empty when none.</summary>
    public IReadOnlyCollection<string> PinnedChildren(string path)
        => _children.TryGetValue(path, out var names) ? names : [];
}
