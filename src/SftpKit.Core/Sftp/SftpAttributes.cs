using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>The ATTRS structure of SFTP v3 (draft-ietf-secsh-filexfer-02 §5); permissions carry file-type bits.</summary>
internal struct SftpAttributes
{
    public const uint TypeMask = 0xF000; // S_IFMT
    public const uint RegularFile = 0x8000; // S_IFREG
    public const uint Directory = 0x4000; // S_IFDIR
    public const uint SymbolicLink = 0xA000; // S_IFLNK

    public SftpAttributeFlags Flags;
    public ulong Size;
    public uint Uid;
    public uint Gid;
    public uint Permissions;
    public uint AccessTime;
    public uint ModificationTime;

    public static SftpAttributes Empty => default;

    public static SftpAttributes From(VfsFileInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new SftpAttributes
        {
            Flags = SftpAttributeFlags.Size | SftpAttributeFlags.UidGid | SftpAttributeFlags.Permissions | SftpAttributeFlags.AccessModificationTime,
            Size = (ulong)Math.Max(0, info.Size),
            Uid = info.Uid,
            Gid = info.Gid,
            Permissions = (info.Permissions & 0xFFF) | TypeBits(info.Type),
            AccessTime = ToUnixTime(info.LastAccessTime),
            ModificationTime = ToUnixTime(info.LastWriteTime),
        };
    }

    public static uint TypeBits(VfsFileType type) => type switch
    {
        VfsFileType.File => RegularFile,
        VfsFileType.Directory => Directory,
        VfsFileType.SymbolicLink => SymbolicLink,
        _ => 0,
    };

    /// <summary>The change a SETSTAT/FSETSTAT asks for; file-type bits in the permissions are ignored.</summary>
    public readonly VfsAttributeChange? ToChange()
    {
        if ((Flags & (SftpAttributeFlags.Size | SftpAttributeFlags.UidGid | SftpAttributeFlags.Permissions | SftpAttributeFlags.AccessModificationTime)) == 0)
        {
            return null;
        }
        return new VfsAttributeChange
        {
            Size = (Flags & SftpAttributeFlags.Size) != 0 ? (long)Math.Min(Size, long.MaxValue) : null,
            Owner = (Flags & SftpAttributeFlags.UidGid) != 0 ? (Uid, Gid) : null,
            Permissions = (Flags & SftpAttributeFlags.Permissions) != 0 ? Permissions & 0xFFF : null,
            Times = (Flags & SftpAttributeFlags.AccessModificationTime) != 0
                ? (DateTimeOffset.FromUnixTimeSeconds(AccessTime), DateTimeOffset.FromUnixTimeSeconds(ModificationTime))
                : null,
        };
    }

    public static uint ToUnixTime(DateTimeOffset time)
    {
        long seconds = time.ToUnixTimeSeconds();
        return seconds <= 0 ? 0 : seconds >= uint.MaxValue ? uint.MaxValue : (uint)seconds;
    }
}
