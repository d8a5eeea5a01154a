namespace SftpKit.FileSystem;

/// <summary>Kind of a file-system entry.</summary>
public enum VfsFileType
{
    /// <summary>A regular file.</summary>
    File,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (only reported when links are not followed).</summary>
    SymbolicLink,
    /// <summary>Anything else (device, socket, fifo).</summary>
    Other,
}

/// <summary>Attributes of one entry.</summary>
public sealed record VfsFileInfo
{
    /// <summary>The entry's name (last path segment; <c>/</c> for the root).</summary>
    public required string Name { get; init; }

    /// <summary>Kind of entry.</summary>
    public required VfsFileType Type { get; init; }

    /// <summary>Size in bytes (0 for directories where the storage has none).</summary>
    public long Size { get; init; }

    /// <summary>Permission bits (<c>0o7777</c> mask, no file-type bits). Defaults to 0644 / 0755 by kind.</summary>
    public uint Permissions { get; init; }

    /// <summary>Last modification time.</summary>
    public DateTimeOffset LastWriteTime { get; init; }

    /// <summary>Last access time.</summary>
    public DateTimeOffset LastAccessTime { get; init; }

    /// <summary>Owner id where the storage has one.</summary>
    public uint Uid { get; init; }

    /// <summary>Group id where the storage has one.</summary>
    public uint Gid { get; init; }

    /// <summary>Number of hard links (1 where unknown).</summary>
    public uint LinkCount { get; init; } = 1;
}

/// <summary>Attributes to change; null members are left alone.</summary>
public sealed record VfsAttributeChange
{
    /// <summary>New size (truncate or extend).</summary>
    public long? Size { get; init; }

    /// <summary>New permission bits.</summary>
    public uint? Permissions { get; init; }

    /// <summary>New owner and group.</summary>
    public (uint Uid, uint Gid)? Owner { get; init; }

    /// <summary>New access and modification times.</summary>
    public (DateTimeOffset Access, DateTimeOffset Write)? Times { get; init; }
}

/// <summary>How an upload opens its target.</summary>
public sealed record VfsWriteOptions
{
    /// <summary>Offset of the first write: 0 for a new or truncated file, the current size to append or resume.</summary>
    public long Offset { get; init; }

    /// <summary>Discard existing content first (SFTP TRUNC).</summary>
    public bool Truncate { get; init; }

    /// <summary>Fail with <see cref="VfsError.AlreadyExists"/> if the file exists (SFTP EXCL).</summary>
    public bool CreateNew { get; init; }

    /// <summary>
    /// Write to a temporary name and move it into place on <see cref="IVfsWriter.CompleteAsync"/>, so the target
    /// never holds a partial file; the temporary is removed if the writer is disposed uncompleted. Defaults to true.
    /// </summary>
    public bool Atomic { get; init; } = true;

    /// <summary>Permission bits for a newly created file. Defaults to 0644 (before the file system's umask).</summary>
    public uint Permissions { get; init; } = 0x1A4;

    /// <summary>
    /// True when the caller has just looked the target up through the same file-system stack (following links) and
    /// <see cref="ProbedTarget"/> holds the answer: decorators that need the target's state (the policy layer's quota
    /// and permission checks) take it from there instead of asking the storage again. An optimisation only: a layer
    /// that needs certainty of its own (the local file system's link checks) still looks for itself.
    /// </summary>
    internal bool TargetProbed { get; init; }

    /// <summary>The target as probed (null: it did not exist); meaningful only when <see cref="TargetProbed"/>.</summary>
    internal VfsFileInfo? ProbedTarget { get; init; }
}

/// <summary>statvfs figures.</summary>
public sealed record VfsSpaceInfo(long BlockSize, long TotalBlocks, long FreeBlocks, long AvailableBlocks, long TotalFiles, long FreeFiles, long MaxNameLength);

/// <summary>Why a file-system operation failed.</summary>
public enum VfsError
{
    /// <summary>Any other failure.</summary>
    Failure,
    /// <summary>The path does not exist.</summary>
    NotFound,
    /// <summary>Not permitted.</summary>
    PermissionDenied,
    /// <summary>The target exists.</summary>
    AlreadyExists,
    /// <summary>The directory is not empty.</summary>
    DirectoryNotEmpty,
    /// <summary>A path segment is not a directory.</summary>
    NotADirectory,
    /// <summary>The path is a directory where a file was expected.</summary>
    IsADirectory,
    /// <summary>No space left on the storage.</summary>
    NoSpace,
    /// <summary>A quota would be exceeded.</summary>
    QuotaExceeded,
    /// <summary>The operation is not supported by this storage.</summary>
    Unsupported,
    /// <summary>The path is not acceptable (escapes the root, bad characters).</summary>
    InvalidPath,
    /// <summary>An account's data-transfer cap (upload, download or total per period) would be passed.</summary>
    TransferLimitExceeded,
}

/// <summary>A file-system failure with a reason the protocol layers map to a status code.</summary>
public sealed class VfsException : IOException
{
    /// <summary>Creates the exception.</summary>
    public VfsException(VfsError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Why it failed.</summary>
    public VfsError Error { get; }
}
