using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>Attributes and moves of real paths of a <see cref="LocalFileSystem"/>, by path or through an open directory.</summary>
internal static class LocalEntries
{
    /// <summary>Attributes of a real path, the final component not followed.</summary>
    public static VfsFileInfo Describe(string real, string name)
        => TryDescribe(real, name) ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");

    /// <summary>As <see cref="Describe"/>, but null (no exception) when nothing is at <paramref name="real"/>.</summary>
    public static VfsFileInfo? TryDescribe(string real, string name)
    {
        if (UnixNative.LStat(real, out int errno) is { } stat)
        {
            return ToInfo(stat, name);
        }
        if (errno == UnixErrno.ENOENT)
        {
            return null;
        }
        if (errno != 0)
        {
            throw LocalErrorMapper.FromErrno(errno);
        }
        FileSystemInfo info = Directory.Exists(real) ? new DirectoryInfo(real) : new FileInfo(real);
        if (!info.Exists && info.LinkTarget is null)
        {
            return null;
        }
        return new VfsFileInfo
        {
            Name = name,
            Type = info.LinkTarget is not null ? VfsFileType.SymbolicLink : info is DirectoryInfo ? VfsFileType.Directory : VfsFileType.File,
            Size = info is FileInfo file && info.LinkTarget is null ? file.Length : 0,
            Permissions = (uint)info.UnixFileMode,
            LastWriteTime = info.LastWriteTimeUtc,
            LastAccessTime = info.LastAccessTimeUtc,
        };
    }

    public static VfsFileInfo ToInfo(UnixStat stat, string name) => new()
    {
        Name = name,
        Type = stat.Type,
        Size = stat.Type == VfsFileType.Directory ? 0 : stat.Size,
        Permissions = stat.Mode & 0xFFF,
        LastWriteTime = stat.WriteTime,
        LastAccessTime = stat.AccessTime,
        Uid = stat.Uid,
        Gid = stat.Gid,
        LinkCount = (uint)Math.Clamp(stat.LinkCount, 1, uint.MaxValue),
    };

    /// <summary>The entry <paramref name="entry"/> of an open directory, stat'ed without following; null when missing.</summary>
    public static VfsFileInfo? StatEntry(SafeFileHandle directory, string entry, string name)
    {
        if (UnixNative.StatAt(directory, entry, out int errno) is { } stat)
        {
            return ToInfo(stat, name);
        }
        return errno == UnixErrno.ENOENT ? null : throw LocalErrorMapper.FromErrno(errno);
    }

    /// <summary>rename(2), or rename without replacing when <paramref name="overwrite"/> is false.</summary>
    public static void MoveEntry(string source, string target, bool overwrite)
    {
        int errno = TryMoveEntry(source, target, overwrite);
        if (errno != 0)
        {
            throw MoveError(errno);
        }
    }

    /// <summary>As <see cref="MoveEntry"/>, returning the errno (0 on success).</summary>
    public static int TryMoveEntry(string source, string target, bool overwrite)
    {
        if (overwrite)
        {
            return UnixNative.Rename(source, target);
        }
        int errno = UnixNative.RenameNoReplaceOrUnsupported(source, target);
        if (errno == -1)
        {
            // No renameat2 here: check, then rename (a racing creator may still be replaced).
            errno = UnixNative.LStat(target, out _) is not null || Path.Exists(target)
                ? UnixErrno.EEXIST
                : UnixNative.Rename(source, target);
        }
        return errno;
    }

    public static VfsException MoveError(int errno) => errno == UnixErrno.EINVAL
        ? new VfsException(VfsError.InvalidPath, "A directory cannot move inside itself.")
        : LocalErrorMapper.FromErrno(errno);
}
