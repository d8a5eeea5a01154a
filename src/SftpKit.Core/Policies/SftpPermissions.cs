using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>What an account may do in a directory. Names as in <see cref="SftpPermissionNames"/>.</summary>
[Flags]
public enum SftpPermission
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>List directory contents and stat entries.</summary>
    List = 1 << 0,
    /// <summary>Read files.</summary>
    Download = 1 << 1,
    /// <summary>Create new files.</summary>
    Upload = 1 << 2,
    /// <summary>Write to existing files (overwrite, append, resume, truncate).</summary>
    Overwrite = 1 << 3,
    /// <summary>Remove files.</summary>
    DeleteFiles = 1 << 4,
    /// <summary>Remove directories.</summary>
    DeleteDirs = 1 << 5,
    /// <summary>Rename files.</summary>
    RenameFiles = 1 << 6,
    /// <summary>Rename directories.</summary>
    RenameDirs = 1 << 7,
    /// <summary>Create directories.</summary>
    CreateDirs = 1 << 8,
    /// <summary>Create symbolic and hard links.</summary>
    CreateSymlinks = 1 << 9,
    /// <summary>Change permission bits.</summary>
    Chmod = 1 << 10,
    /// <summary>Change owner and group.</summary>
    Chown = 1 << 11,
    /// <summary>Change access and modification times.</summary>
    Chtimes = 1 << 12,
    /// <summary>Server-side copy (copy-data).</summary>
    Copy = 1 << 13,
    /// <summary>Remove files and directories.</summary>
    Delete = DeleteFiles | DeleteDirs,
    /// <summary>Rename files and directories.</summary>
    Rename = RenameFiles | RenameDirs,
    /// <summary>Everything.</summary>
    All = (1 << 14) - 1,
}

/// <summary>The permission names accepted in <see cref="SftpAccount.Permissions"/> (SFTPGo's names).</summary>
public static class SftpPermissionNames
{
    private static readonly Dictionary<string, SftpPermission> s_names = new(StringComparer.Ordinal)
    {
        ["*"] = SftpPermission.All,
        ["list"] = SftpPermission.List,
        ["download"] = SftpPermission.Download,
        ["upload"] = SftpPermission.Upload,
        ["overwrite"] = SftpPermission.Overwrite,
        ["delete"] = SftpPermission.Delete,
        ["delete_files"] = SftpPermission.DeleteFiles,
        ["delete_dirs"] = SftpPermission.DeleteDirs,
        ["rename"] = SftpPermission.Rename,
        ["rename_files"] = SftpPermission.RenameFiles,
        ["rename_dirs"] = SftpPermission.RenameDirs,
        ["create_dirs"] = SftpPermission.CreateDirs,
        ["create_symlinks"] = SftpPermission.CreateSymlinks,
        ["chmod"] = SftpPermission.Chmod,
        ["chown"] = SftpPermission.Chown,
        ["chtimes"] = SftpPermission.Chtimes,
        ["copy"] = SftpPermission.Copy,
    };

    /// <summary>Every accepted name.</summary>
    public static IReadOnlyCollection<string> All => s_names.Keys;

    /// <summary>Parses one name; false for an unknown name.</summary>
    public static bool TryParse(string name, out SftpPermission permission) => s_names.TryGetValue(name, out permission);

    /// <summary>Combines a list of names; unknown names are reported in <paramref name="unknown"/>.</summary>
    public static SftpPermission Parse(IEnumerable<string> names, ICollection<string>? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var result = SftpPermission.None;
        foreach (string name in names)
        {
            if (TryParse(name, out var p))
            {
                result |= p;
            }
            else
            {
                unknown?.Add(name);
            }
        }
        return result;
    }
}

/// <summary>
/// Resolved per-directory permissions of one account: the permission set of the nearest configured directory that
/// is the path itself or one of its parents wins. Immutable and cheap to query.
/// </summary>
public sealed class SftpPermissionSet
{
    private readonly (string Path, SftpPermission Permissions)[] _entries;

    /// <summary>Builds the set from an account's map; unknown names are ignored (validation reports them).</summary>
    public SftpPermissionSet(IDictionary<string, IList<string>>? permissions)
    {
        var list = new List<(string, SftpPermission)>();
        bool hasRoot = false;
        if (permissions is not null)
        {
            foreach (var (path, names) in permissions)
            {
                string normalized = VirtualPath.Normalize(path);
                hasRoot |= normalized == "/";
                list.Add((normalized, SftpPermissionNames.Parse(names)));
            }
        }
        if (!hasRoot)
        {
            list.Add(("/", SftpPermission.All));
        }
        // Deepest first, so the first prefix match is the nearest parent.
        _entries = list.OrderByDescending(e => e.Item1.Length).ToArray();
    }

    /// <summary>Everything everywhere.</summary>
    public static SftpPermissionSet Unrestricted { get; } = new(null);

    /// <summary>The permissions that apply inside directory <paramref name="directory"/>.</summary>
    public SftpPermission For(string directory)
    {
        foreach (var (path, permissions) in _entries)
        {
            if (IsSameOrUnder(directory, path))
            {
                return permissions;
            }
        }
        return SftpPermission.None;
    }

    /// <summary>True when every flag of <paramref name="required"/> is granted inside <paramref name="directory"/>.</summary>
    public bool Has(string directory, SftpPermission required) => (For(directory) & required) == required;

    internal static bool IsSameOrUnder(string path, string directory) =>
        directory == "/" ||
        (path.StartsWith(directory, StringComparison.Ordinal) && (path.Length == directory.Length || path[directory.Length] == '/'));
}
