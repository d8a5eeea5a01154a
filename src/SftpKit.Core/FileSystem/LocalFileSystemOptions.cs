namespace SftpKit.FileSystem;

/// <summary>Settings of a <see cref="LocalFileSystem"/>.</summary>
public sealed class LocalFileSystemOptions
{
    /// <summary>
    /// The directory that becomes the virtual root <c>/</c>; created (with parents) if missing. Required: there is no
    /// default.
    /// </summary>
    public string RootPath { get; set; } = "";

    /// <summary>
    /// Permission bits cleared from every file and directory this file system creates (the requested mode of a file, 0644
    /// when none is given, and 0777 for directories are masked with it, as the kernel does for mkdir(2) and open(2)):
    /// the default 0o022 (<c>0x12</c>) gives 0644 files and 0755 directories.
    /// </summary>
    public uint Umask { get; set; } = 0x12;

    /// <summary>
    /// Owner given to new files, directories and links when the process runs as root on Linux or macOS. Defaults to
    /// null: new entries keep the process's user.
    /// </summary>
    public uint? Uid { get; set; }

    /// <summary>
    /// Group given to new files, directories and links when the process runs as root on Linux or macOS. Defaults to
    /// null: new entries keep the process's group.
    /// </summary>
    public uint? Gid { get; set; }

    /// <summary>
    /// Directory for atomic uploads in progress. Defaults to null: the target's own directory, with a hidden name
    /// <c>.sftpkit-&lt;random&gt;.tmp</c>, so the final rename is atomic on one file system. When set to another file
    /// system the final move becomes a copy and is no longer atomic.
    /// </summary>
    public string? TempDirectory { get; set; }
}
