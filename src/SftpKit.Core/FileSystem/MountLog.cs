using Microsoft.Extensions.Logging;

namespace SftpKit.FileSystem;

/// <summary>Log events of <see cref="MountedFileSystem"/> (ids 3200–3219). Paths are virtual; no file content.</summary>
internal static partial class MountLog
{
    [LoggerMessage(3200, LogLevel.Debug, "Moving {From} to {To} across mount points by copy ({Entries} entries)", EventName = "CrossMountMove")]
    public static partial void CrossMountMove(ILogger logger, string from, string to, int entries);

    [LoggerMessage(3201, LogLevel.Information, "Refused moving {From} across mount points: more than {Limit} entries", EventName = "CrossMountMoveTooLarge")]
    public static partial void CrossMountMoveTooLarge(ILogger logger, string from, int limit);

    [LoggerMessage(3202, LogLevel.Information, "Refused {Operation} of {Path}: mount points and their parents cannot change", EventName = "MountPointProtected")]
    public static partial void MountPointProtected(ILogger logger, string operation, string path);

    [LoggerMessage(3203, LogLevel.Information, "Refused a link at {Path} whose target crosses a mount point", EventName = "LinkAcrossMountsRefused")]
    public static partial void LinkAcrossMountsRefused(ILogger logger, string path);

    [LoggerMessage(3204, LogLevel.Warning, "Could not remove {Path} after a failed move across mount points", EventName = "CrossMountRollbackFailed")]
    public static partial void CrossMountRollbackFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(3205, LogLevel.Warning, "Copied {From} to {To} across mount points but could not remove the source", EventName = "CrossMountSourceNotRemoved")]
    public static partial void CrossMountSourceNotRemoved(ILogger logger, string from, string to, Exception exception);
}
