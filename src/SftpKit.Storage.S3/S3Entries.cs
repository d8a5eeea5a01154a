using SftpKit.FileSystem;

namespace SftpKit.Storage.S3;

/// <summary>The attributes S3 entries report: objects are 0644 files, key prefixes 0755 directories.</summary>
internal static class S3Entries
{
    private const uint FilePermissions = 0x1A4; // 0644
    private const uint DirectoryPermissions = 0x1ED; // 0755

    public static VfsFileInfo File(string name, long size, DateTime? lastModified)
        => Entry(name, VfsFileType.File, FilePermissions, lastModified) with { Size = size };

    public static VfsFileInfo Directory(string name, DateTime? lastModified)
        => Entry(name, VfsFileType.Directory, DirectoryPermissions, lastModified);

    private static VfsFileInfo Entry(string name, VfsFileType type, uint permissions, DateTime? lastModified)
    {
        var time = lastModified is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;
        return new VfsFileInfo { Name = name, Type = type, Permissions = permissions, LastWriteTime = time, LastAccessTime = time };
    }
}
