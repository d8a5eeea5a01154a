using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

// Opening an upload: in place, or (atomic) a temporary beside the target or in the temp directory, published on
// completion.
public sealed partial class LocalFileSystem
{
    /// <summary>
    /// The target's directory, opened with no link on its way (so inside the root), the target's real path and its
    /// lstat (null: missing); null when the full path must decide (no openat2, a link on the way, or the target is a
    /// link, which an upload follows).
    /// </summary>
    private (SafeFileHandle Directory, string Real, UnixStat? Existing)? TryOpenTargetDirectoryWithoutLinks(string path)
    {
        if (!UnixNative.HasOpenAt2)
        {
            return null;
        }
        string real = _paths.ToReal(path);
        if (real == _paths.Root)
        {
            return null;
        }
        var (parentPath, name) = LocalPathResolver.Split(real);
        var directory = _paths.TryOpenDirectoryWithoutLinks(parentPath);
        if (directory is null)
        {
            return null;
        }
        var stat = UnixNative.StatAt(directory, name, out int errno);
        if ((stat is null && errno != UnixErrno.ENOENT) || stat is { Type: VfsFileType.SymbolicLink })
        {
            directory.Dispose();
            return null;
        }
        return (directory, real, stat);
    }

    private LocalWriter OpenWriter(string path, VfsWriteOptions options)
    {
        // An atomic upload beside its target (the default) needs the target's directory handle anyway: opened with no
        // link on its way, it also answers "exists?" with one fstatat, and no path resolution is needed at all.
        SafeFileHandle? linkFreeDirectory = null;
        string real;
        UnixStat? existing;
        bool known; // whether existing (null: missing) is the answer, else the managed checks below decide
        if (options.Atomic && _tempDirectory is null && TryOpenTargetDirectoryWithoutLinks(path) is { } target)
        {
            (linkFreeDirectory, real, existing) = target;
            known = true;
        }
        else
        {
            real = _paths.Resolve(path, followFinal: true);
            existing = UnixNative.LStat(real, out int lstatErrno);
            known = existing is not null || lstatErrno == UnixErrno.ENOENT;
        }
        if (real == _paths.Root || existing is { Type: VfsFileType.Directory } || (!known && Directory.Exists(real)))
        {
            linkFreeDirectory?.Dispose();
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        bool exists = existing is not null || (!known && File.Exists(real));
        if (exists && options.CreateNew)
        {
            linkFreeDirectory?.Dispose();
            throw new VfsException(VfsError.AlreadyExists, "The path exists.");
        }
        uint newMode = options.Permissions & 0xFFF & ~_options.Umask;
        string name = VirtualPath.GetName(path);
        if (!options.Atomic)
        {
            var mode = options.CreateNew ? FileMode.CreateNew : FileMode.OpenOrCreate;
            var handle = OpenChecked(real, mode, FileAccess.ReadWrite);
            try
            {
                if (!exists)
                {
                    UnixNative.SetMode(handle, newMode);
                    _owner.Apply(handle);
                }
                if (options.Truncate)
                {
                    RandomAccess.SetLength(handle, 0);
                }
                return new LocalWriter(this, handle, name, options.Offset, tempPath: null, targetPath: real, createNew: false);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        string directory = _tempDirectory ?? Path.GetDirectoryName(real)!;
        string tempName = TempPrefix + Guid.NewGuid().ToString("N") + TempSuffix;
        string temp = Path.Combine(directory, tempName);
        // In the target's own directory, the temporary is created, renamed into place and removed through a handle of
        // that directory, checked to be inside the root once: a link swapped into the path meanwhile cannot move any
        // of it out of the root.
        var directoryHandle = linkFreeDirectory
            ?? (_tempDirectory is null && UnixNative.HasDirectoryCalls ? OpenConfinedDirectory(directory) : null);
        SafeFileHandle tempHandle;
        try
        {
            tempHandle = directoryHandle is not null
                ? UnixNative.CreateFileAt(directoryHandle, tempName, 0x180, out int createErrno) ?? throw LocalErrorMapper.FromErrno(createErrno)
                : File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, Share, FileOptions.Asynchronous);
        }
        catch
        {
            directoryHandle?.Dispose();
            throw;
        }
        try
        {
            if (_tempDirectory is null && directoryHandle is null)
            {
                _paths.VerifyHandle(tempHandle);
            }
            if (exists && !options.Truncate)
            {
                // Resume or partial overwrite keeps POSIX meaning: start from a copy of the current content.
                using var source = OpenChecked(real, FileMode.Open, FileAccess.Read);
                LocalFileCopy.CopyAll(source, tempHandle);
            }
            if (directoryHandle is not null && existing is not null && linkFreeDirectory is null)
            {
                // The mode and owner carried over are read from the entry in the confined directory, not by path.
                existing = UnixNative.StatAt(directoryHandle, Path.GetFileName(real), out _);
            }
            uint mode = existing is { } old ? old.Mode & 0xFFF : newMode;
            UnixNative.SetMode(tempHandle, mode);
            if (existing is { } previous && UnixNative.IsRoot)
            {
                _ = UnixNative.FChown(tempHandle, previous.Uid, previous.Gid);
            }
            else
            {
                _owner.Apply(tempHandle);
            }
            return new LocalWriter(this, tempHandle, name, options.Offset, temp, real, options.CreateNew, directoryHandle);
        }
        catch
        {
            tempHandle.Dispose();
            if (directoryHandle is not null)
            {
                _ = UnixNative.UnlinkAt(directoryHandle, tempName);
                directoryHandle.Dispose();
            }
            else
            {
                File.Delete(temp);
            }
            throw;
        }
    }
}
