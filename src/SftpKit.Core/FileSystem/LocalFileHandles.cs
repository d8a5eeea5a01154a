using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>Attributes of an open local file, by descriptor where the platform allows.</summary>
internal static class LocalHandleInfo
{
    public static VfsFileInfo Describe(SafeFileHandle handle, string name)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (UnixNative.FStat((int)handle.DangerousGetHandle()) is { } stat)
            {
                return LocalEntries.ToInfo(stat, name);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        return LocalFileSystem.Run(() => new VfsFileInfo
        {
            Name = name,
            Type = VfsFileType.File,
            Size = RandomAccess.GetLength(handle),
            Permissions = UnixNative.GetMode(handle),
        });
    }
}

/// <summary>pread/pwrite through <see cref="RandomAccess"/>, with OS failures mapped to <see cref="VfsException"/>.</summary>
internal static class LocalPositionalIo
{
    public static int Read(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        try
        {
            return RandomAccess.Read(handle, buffer, offset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalErrorMapper.FromException(ex);
        }
    }

    public static void Write(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(handle, data, offset);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalErrorMapper.FromException(ex);
        }
    }
}

/// <summary>
/// Positional reads of a local file through <see cref="RandomAccess"/> (no FileStream buffering). Reads and writes
/// run synchronously on the caller's thread: on Unix, <c>RandomAccess.ReadAsync</c>/<c>WriteAsync</c> are the same
/// blocking pread/pwrite queued to another thread-pool thread, so awaiting them only added a thread hop (and the
/// wake-ups and spinning that come with it) to every SFTP READ and WRITE. The caller is already a thread-pool thread
/// serving one session.
/// </summary>
internal sealed class LocalReader(LocalFileSystem owner, SafeFileHandle handle, string name) : IVfsReader
{
    public LocalFileSystem Owner => owner;

    public SafeFileHandle Handle => handle;

    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(LocalPositionalIo.Read(handle, buffer.Span, offset));
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(LocalHandleInfo.Describe(handle, name));

    public ValueTask DisposeAsync()
    {
        handle.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A local upload. Atomic uploads write a hidden temporary file and rename it over the target on
/// <see cref="CompleteAsync"/> (after fsync when <see cref="FlushAsync"/> was asked for); in-place uploads write the
/// target directly.
/// </summary>
internal sealed class LocalWriter : IVfsRandomAccessWriter
{
    private readonly LocalFileSystem _owner;
    private readonly SafeFileHandle _handle;
    private readonly string _name;
    private readonly string? _tempPath;
    private readonly string _targetPath;
    private readonly bool _createNew;
    private readonly SafeFileHandle? _directory;
    private bool _flushRequested;
    private bool _completed;

    // directory: when set, a handle of the directory holding both the temporary and the target (checked inside the
    // root when opened): completing renames and disposing removes through it, never through paths.
    public LocalWriter(LocalFileSystem owner, SafeFileHandle handle, string name, long offset, string? tempPath, string targetPath, bool createNew,
        SafeFileHandle? directory = null)
    {
        _directory = directory;
        _owner = owner;
        _handle = handle;
        _name = name;
        _tempPath = tempPath;
        _targetPath = targetPath;
        _createNew = createNew;
        Position = offset;
    }

    public long Position { get; private set; }

    public LocalFileSystem Owner => _owner;

    public SafeFileHandle Handle => _handle;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await WriteAtAsync(Position, data, cancellationToken);
        Position += data.Length;
    }

    public ValueTask WriteAtAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        EnsureWritable();
        cancellationToken.ThrowIfCancellationRequested();
        LocalPositionalIo.Write(_handle, data.Span, offset);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(LocalPositionalIo.Read(_handle, buffer.Span, offset));
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        _flushRequested = true;
        // fsync may take long on a busy disk: off the caller's thread, which may be a socket engine thread.
        return new ValueTask(Task.Run(() => LocalFileSystem.Run(() =>
        {
            RandomAccess.FlushToDisk(_handle);
            return true;
        }), cancellationToken));
    }

    public ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (_completed || _tempPath is null)
        {
            _completed = true;
            return ValueTask.CompletedTask;
        }
        LocalFileSystem.Run(() =>
        {
            if (_flushRequested)
            {
                RandomAccess.FlushToDisk(_handle);
            }
            if (_directory is not null)
            {
                int renameErrno = UnixNative.RenameAt(_directory, Path.GetFileName(_tempPath), Path.GetFileName(_targetPath), overwrite: !_createNew);
                return renameErrno == 0 ? true : throw LocalEntries.MoveError(renameErrno);
            }
            // The directory was confined when the upload opened; check again in case it was swapped meanwhile.
            string parent = Path.GetDirectoryName(_targetPath)!;
            string? realParent = UnixNative.RealPath(parent, out int errno) ?? throw LocalErrorMapper.FromErrno(errno);
            if (!_owner.Paths.IsInside(realParent))
            {
                throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
            }
            string target = Path.Combine(realParent, Path.GetFileName(_targetPath));
            int moveErrno = LocalEntries.TryMoveEntry(_tempPath, target, overwrite: !_createNew);
            if (moveErrno == UnixErrno.EXDEV)
            {
                // A configured temp directory on another file system: copy + delete, no longer atomic.
                if (_createNew && Path.Exists(target))
                {
                    throw new VfsException(VfsError.AlreadyExists, "The path exists.");
                }
                File.Move(_tempPath, target, overwrite: true);
            }
            else if (moveErrno != 0)
            {
                throw LocalEntries.MoveError(moveErrno);
            }
            return true;
        });
        _completed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        return ValueTask.FromResult(LocalHandleInfo.Describe(_handle, _name));
    }

    public ValueTask DisposeAsync()
    {
        _handle.Dispose();
        if (_directory is not null)
        {
            if (_tempPath is not null && !_completed)
            {
                _ = UnixNative.UnlinkAt(_directory, Path.GetFileName(_tempPath));
            }
            _directory.Dispose();
        }
        else if (_tempPath is not null && !_completed)
        {
            try
            {
                File.Delete(_tempPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the hidden temporary is never listed, and a later cleanup can remove it.
            }
        }
        return ValueTask.CompletedTask;
    }

    internal void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (_completed && _tempPath is not null)
        {
            throw new VfsException(VfsError.Failure, "The upload is already complete.");
        }
    }
}
