namespace SftpKit.Sftp;

/// <summary>
/// The extensions announced in VERSION (OpenSSH PROTOCOL §4 and friends) with the version string each carries, and
/// which handle an extension request names so it can join that handle's queue.
/// </summary>
internal static class SftpExtensions
{
    public const string PosixRename = "posix-rename@openssh.com";
    public const string Statvfs = "statvfs@openssh.com";
    public const string Fstatvfs = "fstatvfs@openssh.com";
    public const string Hardlink = "hardlink@openssh.com";
    public const string Fsync = "fsync@openssh.com";
    public const string Lsetstat = "lsetstat@openssh.com";
    public const string Limits = "limits@openssh.com";
    public const string ExpandPath = "expand-path@openssh.com";
    public const string CopyData = "copy-data";
    public const string HomeDirectory = "home-directory";
    public const string UsersGroupsById = "users-groups-by-id@openssh.com";

    /// <summary>Announced with the hash list; also the first field of every check-file reply.</summary>
    public const string CheckFile = "check-file";
    public const string CheckFileHandle = "check-file-handle";
    public const string CheckFileName = "check-file-name";

    /// <summary>
    /// Name and version pairs, in the order OpenSSH's sftp-server sends them, then check-file with the hash algorithms
    /// it serves as its data (WinSCP looks for the name).
    /// </summary>
    public static readonly (string Name, string Version)[] Announced =
    [
        (PosixRename, "1"),
        (Statvfs, "2"),
        (Fstatvfs, "2"),
        (Hardlink, "1"),
        (Fsync, "1"),
        (Lsetstat, "1"),
        (Limits, "1"),
        (ExpandPath, "1"),
        (CopyData, "1"),
        (HomeDirectory, "1"),
        (UsersGroupsById, "1"),
        (CheckFile, string.Join(',', SftpCheckFileHash.Supported)),
    ];

    public static SftpResponse CreateVersionReply()
    {
        var response = SftpResponse.CreateVersion(SftpSession.ProtocolVersion);
        foreach (var (name, version) in Announced)
        {
            response.WriteString(name);
            response.WriteString(version);
        }
        return response;
    }

    /// <summary>The handle field of a handle-bound extension (the write handle for copy-data), else null.</summary>
    public static ReadOnlyMemory<byte>? TargetHandle(string name, ref SftpPayloadReader reader)
    {
        switch (name)
        {
            case Fstatvfs:
            case Fsync:
            case CheckFile:
            case CheckFileHandle:
                return reader.ReadBytes();
            case CopyData:
                reader.ReadBytes();
                reader.ReadUInt64();
                reader.ReadUInt64();
                return reader.ReadBytes();
            default:
                return null;
        }
    }
}
