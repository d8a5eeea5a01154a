using SftpKit.FileSystem;

namespace SftpKit.Commands;

/// <summary>The strerror-style text coreutils and scp print for a file-system failure; never exception text.</summary>
internal static class PosixErrorText
{
    public static string For(VfsError error) => error switch
    {
        VfsError.NotFound => "No such file or directory",
        VfsError.PermissionDenied => "Permission denied",
        VfsError.AlreadyExists => "File exists",
        VfsError.DirectoryNotEmpty => "Directory not empty",
        VfsError.NotADirectory => "Not a directory",
        VfsError.IsADirectory => "Is a directory",
        VfsError.NoSpace => "No space left on device",
        VfsError.QuotaExceeded => "Disk quota exceeded",
        VfsError.TransferLimitExceeded => "Data transfer limit exceeded",
        VfsError.Unsupported => "Operation not supported",
        VfsError.InvalidPath => "Invalid argument",
        _ => "Input/output error",
    };

    /// <summary>Resolves a client path against the account root; <c>~</c> and <c>~/…</c> mean the root (home).</summary>
    public static string Resolve(string path, string current)
    {
        if (path == "~")
        {
            return VirtualPath.Root;
        }
        if (path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = path[1..];
        }
        return VirtualPath.Normalize(path, current);
    }
}
