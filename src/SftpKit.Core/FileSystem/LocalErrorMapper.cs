namespace SftpKit.FileSystem;

/// <summary>The one place where operating-system failures of <see cref="LocalFileSystem"/> become <see cref="VfsError"/>s.</summary>
internal static class LocalErrorMapper
{
    // .NET reports EEXIST from File.Move/CreateNew as Win32 ERROR_FILE_EXISTS / ERROR_ALREADY_EXISTS.
    private const int ErrorFileExists = 80;
    private const int ErrorAlreadyExists = 183;

    /// <summary>Maps an errno to a <see cref="VfsException"/> with a generic message (no server paths).</summary>
    public static VfsException FromErrno(int errno, Exception? inner = null)
    {
        var error = errno switch
        {
            UnixErrno.ENOENT => VfsError.NotFound,
            UnixErrno.EACCES or UnixErrno.EPERM or UnixErrno.EROFS => VfsError.PermissionDenied,
            UnixErrno.EEXIST => VfsError.AlreadyExists,
            UnixErrno.ENOTDIR => VfsError.NotADirectory,
            UnixErrno.EISDIR => VfsError.IsADirectory,
            UnixErrno.ENOSPC => VfsError.NoSpace,
            _ when errno == UnixErrno.ENOTEMPTY => VfsError.DirectoryNotEmpty,
            _ when errno == UnixErrno.EDQUOT => VfsError.QuotaExceeded,
            _ when errno == UnixErrno.ENAMETOOLONG => VfsError.InvalidPath,
            _ => VfsError.Failure,
        };
        return new VfsException(error, Describe(error), inner);
    }

    /// <summary>Maps an exception thrown by a BCL file API; <see cref="VfsException"/>s pass through.</summary>
    public static VfsException FromException(Exception exception)
    {
        switch (exception)
        {
            case VfsException vfs:
                return vfs;
            case FileNotFoundException or DirectoryNotFoundException:
                return new VfsException(VfsError.NotFound, Describe(VfsError.NotFound), exception);
            case UnauthorizedAccessException:
                return new VfsException(VfsError.PermissionDenied, Describe(VfsError.PermissionDenied), exception);
            case PathTooLongException:
                return new VfsException(VfsError.InvalidPath, Describe(VfsError.InvalidPath), exception);
            case IOException io:
                int code = io.HResult & 0xFFFF;
                if ((io.HResult & unchecked((int)0xFFFF0000)) == unchecked((int)0x80070000)
                    && code is ErrorFileExists or ErrorAlreadyExists)
                {
                    return new VfsException(VfsError.AlreadyExists, Describe(VfsError.AlreadyExists), exception);
                }
                // On Unix, other IOExceptions carry the raw errno as HResult.
                return FromErrno(io.HResult, exception);
            default:
                return new VfsException(VfsError.Failure, Describe(VfsError.Failure), exception);
        }
    }

    private static string Describe(VfsError error) => error switch
    {
        VfsError.NotFound => "No such file or directory.",
        VfsError.PermissionDenied => "Permission denied.",
        VfsError.AlreadyExists => "The path exists.",
        VfsError.DirectoryNotEmpty => "The directory is not empty.",
        VfsError.NotADirectory => "Not a directory.",
        VfsError.IsADirectory => "Is a directory.",
        VfsError.NoSpace => "No space left.",
        VfsError.QuotaExceeded => "Quota exceeded.",
        VfsError.TransferLimitExceeded => "Data transfer limit exceeded.",
        VfsError.InvalidPath => "Invalid path.",
        _ => "Operation failed.",
    };
}
