namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends: the attributes their entries report. Objects are 0644 files, key prefixes 0755
/// directories; times are the object's last-modified time in UTC (both write and access), or the Unix epoch when
/// unknown (directories have none).
/// </summary>
public static class ObjectEntries
{
    private const uint FilePermissions = 0x1A4; // 0644
    private const uint DirectoryPermissions = 0x1ED; // 0755

    /// <summary>A file of <paramref name="size"/> bytes.</summary>
    public static VfsFileInfo File(string name, long size, DateTimeOffset? lastModified)
        => Entry(name, VfsFileType.File, FilePermissions, lastModified) with { Size = size };

    /// <summary>A directory.</summary>
    public static VfsFileInfo Directory(string name, DateTimeOffset? lastModified)
        => Entry(name, VfsFileType.Directory, DirectoryPermissions, lastModified);

    private static VfsFileInfo Entry(string name, VfsFileType type, uint permissions, DateTimeOffset? lastModified)
    {
        ArgumentNullException.ThrowIfNull(name);
        var time = lastModified is { } t ? t.ToUniversalTime() : DateTimeOffset.UnixEpoch;
        return new VfsFileInfo { Name = name, Type = type, Permissions = permissions, LastWriteTime = time, LastAccessTime = time };
    }
}
