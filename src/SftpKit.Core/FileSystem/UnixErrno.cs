namespace SftpKit.FileSystem;

/// <summary>
/// errno values that matter to <see cref="LocalErrorMapper"/>. The low ones are the same on Linux and macOS; the
/// others are looked up per platform.
/// </summary>
internal static class UnixErrno
{
    public const int EPERM = 1;
    public const int EBADF = 9;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int EMLINK = 31;

    public static readonly int ENAMETOOLONG = OperatingSystem.IsLinux() ? 36 : 63;
    public static readonly int ENOSYS = OperatingSystem.IsLinux() ? 38 : 78;
    public static readonly int ENOTEMPTY = OperatingSystem.IsLinux() ? 39 : 66;
    public static readonly int ELOOP = OperatingSystem.IsLinux() ? 40 : 62;
    public static readonly int EOPNOTSUPP = OperatingSystem.IsLinux() ? 95 : 45;
    public static readonly int EDQUOT = OperatingSystem.IsLinux() ? 122 : 69;
}
