namespace SftpKit.Sftp;

/// <summary>
/// Names of the EXTENDED requests served (OpenSSH PROTOCOL §4 and friends). What each one announces, does, writes
/// and which handle it names is its row in <see cref="SftpRequestTable"/>.
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
}
