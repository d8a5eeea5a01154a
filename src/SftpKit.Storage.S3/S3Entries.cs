using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>The attributes S3 entries report (<see cref="ObjectEntries"/>), from the SDK's <see cref="DateTime"/> times.</summary>
internal static class S3Entries
{
    public static VfsFileInfo File(string name, long size, DateTime? lastModified) => ObjectEntries.File(name, size, Utc(lastModified));

    public static VfsFileInfo Directory(string name, DateTime? lastModified) => ObjectEntries.Directory(name, Utc(lastModified));

    private static DateTimeOffset? Utc(DateTime? time) => time is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : null;
}
