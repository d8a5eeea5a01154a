namespace SftpKit.Accounts;

/// <summary>
/// A virtual folder as the server knows it, apart from any account: a name unique per server, its storage and its
/// quota. Accounts mount it by name at a path of their own (<see cref="SftpVirtualFolder"/> carries a copy of these
/// values plus the mount path). Kept by an <see cref="ISftpFolderStore"/>.
/// </summary>
public sealed class SftpFolder
{
    /// <summary>The name, unique per server (1–255 characters, no control characters, <c>/</c> or <c>\</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The folder's storage; for local disk, <see cref="SftpFileSystemConfig.Root"/> is the directory.</summary>
    public SftpFileSystemConfig FileSystem { get; set; } = new();

    /// <summary>Size quota in bytes; 0 (default) = the files count against each mounting account's quota.</summary>
    public long QuotaSize { get; set; }

    /// <summary>File-count quota; 0 (default) = the files count against each mounting account's quota.</summary>
    public long QuotaFiles { get; set; }

    /// <summary>Free text for operators.</summary>
    public string? Description { get; set; }

    /// <summary>A deep copy.</summary>
    public SftpFolder Clone() => new()
    {
        Name = Name,
        FileSystem = FileSystem.Clone(),
        QuotaSize = QuotaSize,
        QuotaFiles = QuotaFiles,
        Description = Description,
    };

    /// <summary>This folder mounted at <paramref name="virtualPath"/>, as an account carries it.</summary>
    public SftpVirtualFolder MountAt(string virtualPath) => new()
    {
        Name = Name,
        VirtualPath = virtualPath,
        FileSystem = FileSystem.Clone(),
        QuotaSize = QuotaSize,
        QuotaFiles = QuotaFiles,
    };

    /// <summary>The folder definition an account's mount carries (its description is empty).</summary>
    public static SftpFolder FromMount(SftpVirtualFolder mount)
    {
        ArgumentNullException.ThrowIfNull(mount);
        return new SftpFolder { Name = mount.Name, FileSystem = mount.FileSystem.Clone(), QuotaSize = mount.QuotaSize, QuotaFiles = mount.QuotaFiles };
    }
}
