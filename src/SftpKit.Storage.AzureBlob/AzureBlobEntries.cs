using SftpKit.FileSystem;

namespace SftpKit.Storage.AzureBlob;

/// <summary>The attributes Azure Blob entries report: blobs are 0644 files, key prefixes 0755 directories.</summary>
internal static class AzureBlobEntries
{
    private const uint FilePermissions = 0x1A4; // 0644
    private const uint DirectoryPermissions = 0x1ED; // 0755

    public static VfsFileInfo File(string name, long size, DateTimeOffset? lastModified)
        => Entry(name, VfsFileType.File, FilePermissions, lastModified) with { Size = size };

    public static VfsFileInfo Directory(string name, DateTimeOffset? lastModified)
        => Entry(name, VfsFileType.Directory, DirectoryPermissions, lastModified);

    private static VfsFileInfo Entry(string name, VfsFileType type, uint permissions, DateTimeOffset? lastModified)
    {
        var time = lastModified is { } t ? t.ToUniversalTime() : DateTimeOffset.UnixEpoch;
        return new VfsFileInfo { Name = name, Type = type, Permissions = permissions, LastWriteTime = time, LastAccessTime = time };
    }
}
