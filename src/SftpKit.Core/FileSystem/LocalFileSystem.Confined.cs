using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

// The operations that act through a directory handle checked inside the root (fstatat, fchmodat, utimensat, fchownat,
// openat, linkat, directory enumeration), so that a directory swapped for a link in the path after the check cannot
// redirect them out of the root. Used where UnixNative.HasDirectoryCalls is true.
public sealed partial class LocalFileSystem
{
    /// <summary>Whether an open directory can be enumerated through its <c>/proc/self/fd</c> entry.</summary>
    private static readonly bool ProcFdAvailable = OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    /// <summary>Every entry, hidden ones included; nothing skipped for being inaccessible.</summary>
    private static readonly EnumerationOptions ListingOptions = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private static bool IsUploadTemporary(string name)
        => name.StartsWith(TempPrefix, StringComparison.Ordinal) && name.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>Runs <paramref name="operation"/> (an <c>*at</c> call) on the final name of <paramref name="real"/>
    /// through a handle of its parent checked inside the root; throws the errno it returns.</summary>
    private void AtConfinedParent(string real, Func<SafeFileHandle, string, int> operation)
    {
        var (parent, name) = OpenConfinedEntry(real);
        using var _ = parent;
        ThrowOnErrno(operation(parent, name));
    }

    /// <summary>A handle of <paramref name="directory"/>, checked (through the handle) to be inside the root.</summary>
    private SafeFileHandle OpenConfinedDirectory(string directory)
    {
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
    private (SafeFileHandle Parent, string Name) OpenConfinedEntry(string real)
    {
        if (real == _paths.Root)
        {
            return (OpenConfinedDirectory(real), ".");
        }
        var (parentPath, name) = LocalPathResolver.Split(real);
        return (OpenConfinedDirectory(parentPath), name);
    }

    /// <summary>As <see cref="Describe"/>, through the confined parent.</summary>
    private VfsFileInfo DescribeConfined(string real, string name)
        => TryDescribeConfined(real, name) ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");

    /// <summary>As <see cref="TryDescribe"/>, the entry stat'ed (link not followed) through its confined parent.</summary>
    private VfsFileInfo? TryDescribeConfined(string real, string name)
    {
        if (!UnixNative.HasDirectoryCalls)
        {
            return TryDescribe(real, name);
        }
        var (parentPath, entry) = real == _paths.Root ? (real, ".") : LocalPathResolver.Split(real);
        var parent = UnixNative.OpenDirectory(parentPath, out int errno);
        if (parent is null)
        {
            return errno == UnixErrno.ENOENT ? null : throw LocalErrorMapper.FromErrno(errno);
        }
        using (parent)
        {
            _paths.VerifyHandle(parent);
            return StatEntry(parent, entry, name);
        }
    }

    private static VfsFileInfo? StatEntry(SafeFileHandle directory, string entry, string name)
    {
        if (UnixNative.StatAt(directory, entry, out int errno) is { } stat)
        {
            return ToInfo(stat, name);
        }
        return errno == UnixErrno.ENOENT ? null : throw LocalErrorMapper.FromErrno(errno);
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
        var stat = StatEntry(parent, entry, "") ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");
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

    /// <summary>
    /// linkat between the confined parents of <paramref name="existing"/> and <paramref name="created"/>; a symbolic
    /// link is linked itself, never its target.
    /// </summary>
    private void LinkConfined(string existing, string created)
    {
        var (from, fromName) = OpenConfinedEntry(existing);
        using var _ = from;
        var info = StatEntry(from, fromName, "") ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");
        if (info.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
        }
        var (to, toName) = OpenConfinedEntry(created);
        using var __ = to;
        ThrowOnErrno(UnixNative.LinkAt(from, fromName, to, toName));
    }

    /// <summary>
    /// Lists the directory <paramref name="real"/> through a handle of the directory itself, checked inside the root:
    /// the names come from that inode (enumerated through <c>/proc/self/fd</c>, streaming, one entry at a time) and each
    /// is stat'ed relative to the same handle, so a link swapped into the path meanwhile changes nothing listed.
    /// </summary>
    private IEnumerable<VfsFileInfo> ListConfined(string real, CancellationToken cancellationToken)
    {
        using var directory = Run(() => OpenConfinedDirectory(real));
        string handlePath = "/proc/self/fd/" + directory.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var names = Run(() => new FileSystemEnumerable<string>(handlePath, static (ref FileSystemEntry entry) => entry.FileName.ToString(), ListingOptions)
            .GetEnumerator());
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Run(() => names.MoveNext()))
            {
                break;
            }
            string name = names.Current;
            if (IsUploadTemporary(name))
            {
                continue; // an atomic upload in progress
            }
            if (UnixNative.StatAt(directory, name, out _) is { } stat)
            {
                yield return ToInfo(stat, name);
            }
            // else vanished while listing
        }
    }

    private static void ThrowOnErrno(int errno)
    {
        if (errno != 0)
        {
            throw LocalErrorMapper.FromErrno(errno);
        }
    }
}
