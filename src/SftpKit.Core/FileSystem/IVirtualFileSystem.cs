namespace SftpKit.FileSystem;

/// <summary>
/// The file-system seam every protocol handler (SFTP, SCP, commands) works through. Paths are virtual, absolute,
/// already normalised and confined by <see cref="VirtualPath"/>: they start with <c>/</c>, use <c>/</c> separators,
/// and never contain <c>.</c> or <c>..</c> segments, empty segments, NUL or control characters. Implementations map
/// them under their own root and must never reach outside it (e.g. through symbolic links).
/// Failures are reported as <see cref="VfsException"/> with a <see cref="VfsError"/>; protocol layers map those to
/// generic client messages. Optional abilities are capabilities found through <see cref="GetCapability{T}"/>
/// (<see cref="IVfsSymbolicLinks"/>, <see cref="IVfsHardLinks"/>, <see cref="IVfsSpaceInfo"/>,
/// <see cref="IVfsServerSideCopy"/>, <see cref="IVfsRandomAccessWrites"/>, <see cref="IVfsInfoProbe"/>), never
/// through casts: a decorator answers for the file system it wraps.
/// </summary>
public interface IVirtualFileSystem
{
    /// <summary>Attributes of <paramref name="path"/>; for a symbolic link, of its target unless <paramref name="followLinks"/> is false.</summary>
    ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken);

    /// <summary>Changes the attributes that are set in <paramref name="change"/> (size truncates or extends).</summary>
    ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken);

    /// <summary>Streams the entries of a directory (no <c>.</c> or <c>..</c>) without loading it whole.</summary>
    IAsyncEnumerable<VfsFileInfo> ListAsync(string path, CancellationToken cancellationToken);

    /// <summary>Opens a file for positional reads.</summary>
    ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a file for sequential writes starting at <see cref="VfsWriteOptions.Offset"/>. Data becomes visible
    /// under <paramref name="path"/> when <see cref="IVfsWriter.CompleteAsync"/> succeeds (atomic mode) or as it is
    /// written (in-place mode); disposing without completing discards an atomic upload.
    /// </summary>
    ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken);

    /// <summary>Creates one directory; the parent must exist.</summary>
    ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>Removes a file or symbolic link (never a directory).</summary>
    ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>Removes an empty directory.</summary>
    ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Renames <paramref name="from"/> to <paramref name="to"/>. When <paramref name="overwrite"/> is false and the
    /// target exists, fails with <see cref="VfsError.AlreadyExists"/> (SFTP v3 RENAME); when true, replaces it
    /// atomically where the storage can (posix-rename@openssh.com).
    /// </summary>
    ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken);

    /// <summary>
    /// The optional capability <typeparamref name="T"/> (e.g. <see cref="IVfsSymbolicLinks"/>), or null when this file
    /// system does not have it. Every protocol asks here, once per operation, instead of casting. The default returns
    /// this instance when it implements <typeparamref name="T"/>. A decorator passes the lookup through to the file
    /// system it wraps and answers with its own wrapper only for the capabilities it changes, so it never claims one
    /// the wrapped file system lacks. An implementation may answer with another object than itself.
    /// </summary>
    /// <typeparam name="T">The capability interface.</typeparam>
    T? GetCapability<T>()
        where T : class
        => this as T;
}

/// <summary>Positional reads of one open file.</summary>
public interface IVfsReader : IAsyncDisposable
{
    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; 0 at end of file.</summary>
    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Current attributes of the open file.</summary>
    ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken);
}

/// <summary>Sequential writes of one upload.</summary>
public interface IVfsWriter : IAsyncDisposable
{
    /// <summary>The offset the next <see cref="WriteAsync"/> writes at.</summary>
    long Position { get; }

    /// <summary>Appends <paramref name="data"/> at <see cref="Position"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes written data durable (fsync) where the storage can; otherwise a no-op.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Finishes the upload: an atomic upload appears under its name only now.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Current attributes of the file being written.</summary>
    ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken);
}

/// <summary>A writer that also accepts writes at any offset (local disk, memory). Object stores do not have it.</summary>
public interface IVfsRandomAccessWriter : IVfsWriter
{
    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, extending the file as needed.</summary>
    ValueTask WriteAtAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Reads back written data (SFTP allows reading a handle opened read-write).</summary>
    ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);
}

/// <summary>Marker capability: <see cref="IVirtualFileSystem.OpenWriteAsync"/> returns <see cref="IVfsRandomAccessWriter"/>.</summary>
public interface IVfsRandomAccessWrites
{
}

/// <summary>Symbolic links (SFTP SYMLINK/READLINK).</summary>
public interface IVfsSymbolicLinks
{
    /// <summary>Creates <paramref name="linkPath"/> pointing at <paramref name="target"/> (a virtual path or relative text).</summary>
    ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken);

    /// <summary>The link's target as a virtual path, or as relative text if it is relative.</summary>
    ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken);
}

/// <summary>Hard links (hardlink@openssh.com).</summary>
public interface IVfsHardLinks
{
    /// <summary>Creates <paramref name="newPath"/> as another name of <paramref name="existingPath"/>.</summary>
    ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken);
}

/// <summary>Space figures (statvfs@openssh.com).</summary>
public interface IVfsSpaceInfo
{
    /// <summary>Space of the storage holding <paramref name="path"/>.</summary>
    ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken);
}

/// <summary>Copies without moving bytes through the server (copy-data).</summary>
public interface IVfsServerSideCopy
{
    /// <summary>
    /// Copies <paramref name="length"/> bytes (0 = to the end of <paramref name="from"/>) from one file to another at
    /// the given offsets, creating <paramref name="to"/> if it is missing and writing in place (not atomically).
    /// </summary>
    ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken);

    /// <summary>
    /// Copies between two files this file system opened (SFTP copy-data between a read handle and a write handle),
    /// without the bytes passing through the caller. <paramref name="target"/> receives the bytes at
    /// <paramref name="targetOffset"/> exactly as through <see cref="IVfsRandomAccessWriter.WriteAtAsync"/>, so an
    /// atomic upload still appears only when completed. <paramref name="length"/> 0 copies to the end of the source.
    /// Overlapping ranges of one file give unspecified content (callers refuse copying a file onto itself).
    /// </summary>
    /// <returns>
    /// The number of bytes copied (fewer than <paramref name="length"/> only at the source's end), or null when these
    /// two cannot be copied between here, in which case the caller streams the bytes itself. The default
    /// implementation returns null.
    /// </returns>
    ValueTask<long?> CopyOpenAsync(IVfsReader source, long sourceOffset, long length, IVfsRandomAccessWriter target, long targetOffset, CancellationToken cancellationToken)
        => ValueTask.FromResult<long?>(null);
}
