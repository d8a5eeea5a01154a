using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// The one mapping from file-system failures to SFTP status codes (as OpenSSH's <c>errno_to_portable</c>). Messages
/// are short and generic: never a path or exception text.
/// </summary>
internal static class SftpErrors
{
    public static (SftpStatusCode Code, string Message) Map(VfsError error) => error switch
    {
        VfsError.NotFound => (SftpStatusCode.NoSuchFile, "No such file"),
        VfsError.PermissionDenied => (SftpStatusCode.PermissionDenied, "Permission denied"),
        VfsError.InvalidPath => (SftpStatusCode.PermissionDenied, "Permission denied"),
        VfsError.Unsupported => (SftpStatusCode.OpUnsupported, "Operation unsupported"),
        VfsError.AlreadyExists => (SftpStatusCode.Failure, "File exists"),
        VfsError.DirectoryNotEmpty => (SftpStatusCode.Failure, "Directory not empty"),
        // As OpenSSH (ENOTDIR is SSH2_FX_NO_SUCH_FILE): a path through a file names nothing.
        VfsError.NotADirectory => (SftpStatusCode.NoSuchFile, "Not a directory"),
        VfsError.IsADirectory => (SftpStatusCode.Failure, "Is a directory"),
        VfsError.NoSpace => (SftpStatusCode.Failure, "No space left"),
        VfsError.QuotaExceeded => (SftpStatusCode.Failure, "Quota exceeded"),
        VfsError.TransferLimitExceeded => (SftpStatusCode.Failure, "Data transfer limit exceeded"),
        _ => (SftpStatusCode.Failure, "Failure"),
    };

    public static string MessageFor(SftpStatusCode code) => code switch
    {
        SftpStatusCode.Ok => "Success",
        SftpStatusCode.Eof => "End of file",
        SftpStatusCode.NoSuchFile => "No such file",
        SftpStatusCode.PermissionDenied => "Permission denied",
        SftpStatusCode.BadMessage => "Bad message",
        SftpStatusCode.OpUnsupported => "Operation unsupported",
        _ => "Failure",
    };
}
