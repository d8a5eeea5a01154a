using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

// The operations that act through a directory handle checked inside the root (fstatat, fchmodat, utimensat, fchownat,
// openat, linkat, directory enumeration), so that a directory swapped for a link in the path after the check cannot
// redirect them out of the root. Used where UnixNative.HasDirectoryCalls is true.
public sealed partial class LocalFileSystem
{
    /// <summary>Runs <paramref name="operation"/> (an <c>*at</c> call) on the final name of <paramref name="real"/>
    /// through a handle of its parent checked inside the root; throws the errno it returns.</summary>
    private void AtConfinedParent(string real, Func<SafeFileHandle, string, int> operation)
    {
        var (parent, name) = OpenConfinedEntry(real);
        using var _ = parent;
        ThrowOnErrno(operation(parent, name));
    }

    /// <summary>A handle of <paramref name="directory"/>, checked (through the handle) to be inside the root.</summary>
    internal SafeFileHandle OpenConfinedDirectory(string directory)
    {
        if (_paths.TryOpenDirectoryWithoutLinks(directory) is { } linkFree)
        {
            return linkFree; // walked with no link: inside the root without the /proc re-check
        }
        var handle = UnixNative.OpenDirectory(directory, out int errno) ?? throw LocalErrorMapper.FromErrno(errno);
        try
        {
            _paths.VerifyHandle(handle);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A handle of the directory holding <paramref name="real"/>, checked inside the root, and the name to use with it:
    /// the final component, or "." for the root itself (whose parent lies outside). The caller disposes the handle.
    /// </summary>
    internal (SafeFileHandle Parent, string Name) OpenConfinedEntry(string real)
    {
        if (real == _paths.Root)
        {
            return (OpenConfinedDirectory(real), ".");
        }
        var (parentPath, name) = LocalPathResolver.Split(real);
        return (OpenConfinedDirectory(parentPath), name);
    }

    /// <summary>
    /// The attributes of <paramref name="path"/> (null: missing) in two system calls — the parent opened with no
    /// link on its way, the name stat'ed in it — when that decides the answer; false when the full resolution must:
    /// no openat2, a link on the way to the parent, or a final link to follow.
    /// </summary>
    private bool TryDescribeWithoutLinks(string path, bool followLinks, out VfsFileInfo? info)
    {
        info = null;
        if (!UnixNative.HasOpenAt2)
        {
            return false;
        }
        string real = _paths.ToReal(path);
        if (real == _paths.Root)
        {
            return false;
        }
        var (parentPath, entry) = LocalPathResolver.Split(real);
        using var parent = _paths.TryOpenDirectoryWithoutLinks(parentPath);
        if (parent is null)
        {
            return false;
        }
        var stat = UnixNative.StatAt(parent, entry, out int errno);
        if (stat is null)
        {
            return errno == UnixErrno.ENOENT ? true : throw LocalErrorMapper.FromErrno(errno);
        }
        if (followLinks && stat.Value.Type == VfsFileType.SymbolicLink)
        {
            return false;
        }
        info = LocalEntries.ToInfo(stat.Value, VirtualPath.GetName(path));
        return true;
    }

    /// <summary>As <see cref="LocalEntries.Describe"/>, through the confined parent.</summary>
    private VfsFileInfo DescribeConfined(string real, string name)
        => TryDescribeConfined(real, name) ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");

    /// <summary>As <see cref="LocalEntries.TryDescribe"/>, the entry stat'ed (link not followed) through its confined parent.</summary>
    private VfsFileInfo? TryDescribeConfined(string real, string name)
    {
        if (!UnixNative.HasDirectoryCalls)
        {
            return LocalEntries.TryDescribe(real, name);
        }
        var (parentPath, entry) = real == _paths.Root ? (real, ".") : LocalPathResolver.Split(real);
        if (_paths.TryOpenDirectoryWithoutLinks(parentPath) is { } linkFree)
        {
            using (linkFree)
            {
                return LocalEntries.StatEntry(linkFree, entry, name);
            }
        }
        var parent = UnixNative.OpenDirectory(parentPath, out int errno);
        if (parent is null)
        {
            return errno == UnixErrno.ENOENT ? null : throw LocalErrorMapper.FromErrno(errno);
        }
        using (parent)
        {
            _paths.VerifyHandle(parent);
            return LocalEntries.StatEntry(parent, entry, name);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="real"/> through its confined parent, in the order size,
    /// owner, permissions, times. The mode and times of a symbolic link itself are left alone (Linux has no mode for
    /// links); its owner is changed as lchown(2) would.
    /// </summary>
    private void SetInfoConfined(string real, VfsAttributeChange change)
    {
        var (parent, entry) = OpenConfinedEntry(real);
        using var _ = parent;
        var stat = LocalEntries.StatEntry(parent, entry, "") ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");
        bool isLink = stat.Type == VfsFileType.SymbolicLink;
        if (change.Size is { } size)
        {
            if (stat.Type == VfsFileType.Directory)
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            // A link (only reachable without following) is truncated at its target, which OpenChecked confines.
            using var handle = isLink
                ? OpenChecked(real, FileMode.Open, FileAccess.Write)
                : UnixNative.OpenForWriteAt(parent, entry, out int openErrno) ?? throw LocalErrorMapper.FromErrno(openErrno);
            RandomAccess.SetLength(handle, size);
        }
        if (change.Owner is { } owner)
        {
            ThrowOnErrno(UnixNative.ChownAt(parent, entry, owner.Uid, owner.Gid));
        }
        if (!isLink && change.Permissions is { } permissions)
        {
            int errno = UnixNative.ChangeModeAt(parent, entry, permissions);
            if (errno != UnixErrno.EOPNOTSUPP) // replaced by a link since the stat: left alone, as links are
            {
                ThrowOnErrno(errno);
            }
        }
        if (!isLink && change.Times is { } times)
        {
            ThrowOnErrno(UnixNative.SetTimesAt(parent, entry, times.Access, times.Write));
        }
    }

    internal static void ThrowOnErrno(int errno)
    {
        if (errno != 0)
        {
            throw LocalErrorMapper.FromErrno(errno);
        }
    }
}
