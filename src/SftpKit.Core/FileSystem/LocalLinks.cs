namespace SftpKit.FileSystem;

/// <summary>
/// Symbolic and hard links of a <see cref="LocalFileSystem"/>, made through the confined parent directory where the
/// platform has <c>*at</c> calls. Client links are stored relative to their directory.
/// </summary>
internal sealed class LocalLinks(LocalFileSystem fs) : IVfsSymbolicLinks, IVfsHardLinks
{
    public ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken)
    {
        VfsCapabilities.CheckLinkTarget(target);
        cancellationToken.ThrowIfCancellationRequested();
        LocalFileSystem.Run(() =>
        {
            var (parent, name) = fs.Paths.ResolveParent(linkPath);
            string stored = LocalLinkTargets.ToStored(target, fs.Paths.ToVirtual(parent));
            if (UnixNative.HasDirectoryCalls)
            {
                using var directory = fs.OpenConfinedDirectory(parent);
                LocalFileSystem.ThrowOnErrno(UnixNative.SymbolicLinkAt(stored, directory, name));
                fs.Owner.Apply(directory, name);
                return true;
            }
            string real = parent == "/" ? "/" + name : parent + "/" + name;
            File.CreateSymbolicLink(real, stored);
            fs.Owner.Apply(real);
            return true;
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(LocalFileSystem.Run(() =>
        {
            var (parent, name) = fs.Paths.ResolveParent(linkPath);
            if (UnixNative.HasDirectoryCalls)
            {
                using var directory = fs.OpenConfinedDirectory(parent);
                string text = UnixNative.ReadLinkAt(directory, name, out int errno) ?? throw (errno == UnixErrno.EINVAL
                    ? new VfsException(VfsError.Failure, "Not a symbolic link.")
                    : LocalErrorMapper.FromErrno(errno));
                return LocalLinkTargets.ToVirtual(text, fs.Paths.ToVirtual(parent), fs.Paths);
            }
            string real = parent == "/" ? "/" + name : parent + "/" + name;
            var info = new FileInfo(real);
            if (!info.Exists && !Directory.Exists(real) && info.LinkTarget is null)
            {
                throw new VfsException(VfsError.NotFound, "No such file or directory.");
            }
            string stored = info.LinkTarget ?? throw new VfsException(VfsError.Failure, "Not a symbolic link.");
            return LocalLinkTargets.ToVirtual(stored, fs.Paths.ToVirtual(parent), fs.Paths);
        }));
    }

    public ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LocalFileSystem.Run(() =>
        {
            // link(2) on Linux links a symbolic link itself, never its target, so the existing entry's real
            // parent being inside the root is enough.
            string existing = fs.Paths.Resolve(existingPath, followFinal: false);
            string created = fs.Paths.Resolve(newPath, followFinal: false);
            if (UnixNative.HasDirectoryCalls)
            {
                LinkConfined(existing, created);
                return true;
            }
            if (LocalEntries.Describe(existing, "").Type == VfsFileType.Directory)
            {
                throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
            }
            int errno = UnixNative.Link(existing, created);
            if (errno != 0)
            {
                throw LocalErrorMapper.FromErrno(errno);
            }
            return true;
        });
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// linkat between the confined parents of <paramref name="existing"/> and <paramref name="created"/>; a symbolic
    /// link is linked itself, never its target.
    /// </summary>
    private void LinkConfined(string existing, string created)
    {
        var (from, fromName) = fs.OpenConfinedEntry(existing);
        using var _ = from;
        var info = LocalEntries.StatEntry(from, fromName, "") ?? throw new VfsException(VfsError.NotFound, "No such file or directory.");
        if (info.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.PermissionDenied, "Directories cannot be hard-linked.");
        }
        var (to, toName) = fs.OpenConfinedEntry(created);
        using var __ = to;
        LocalFileSystem.ThrowOnErrno(UnixNative.LinkAt(from, fromName, to, toName));
    }
}
