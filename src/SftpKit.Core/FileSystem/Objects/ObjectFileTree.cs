namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends: the file-system rules over a flat key space, laid out by <see cref="Keys"/>. A
/// file is an object; a directory exists while any key lies under its prefix (an empty one is kept by a zero-length
/// marker). The subclass supplies the storage requests (a HEAD, a short or full flat listing, a zero-length put, a
/// delete, a server-side copy) and the log events; this class checks and orders them for every operation of
/// <see cref="IVirtualFileSystem"/> that does not depend on the storage: info, open, create, delete, rename, copy
/// and attribute changes. Renames are server-side copies then deletes, not atomic: a directory of more than the
/// rename limit keys (its marker not counted) is refused with <see cref="VfsError.Unsupported"/> before anything
/// is copied, and its keys are copied then deleted with at most the rename concurrency (at least 1) at once.
/// </summary>
public abstract class ObjectFileTree
{
    private readonly int _maxRenameObjects;
    private readonly int _renameConcurrency;

    /// <summary>A tree over <paramref name="keys"/>.</summary>
    /// <param name="keys">The key layout.</param>
    /// <param name="maxRenameObjects">Most keys (a marker not counted) a directory rename may copy; zero refuses any non-empty directory.</param>
    /// <param name="renameConcurrency">Copies (and deletes) of a directory rename at once; values below 1 mean 1.</param>
    protected ObjectFileTree(ObjectKeyMap keys, int maxRenameObjects, int renameConcurrency)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRenameObjects);
        Keys = keys;
        _maxRenameObjects = maxRenameObjects;
        _renameConcurrency = Math.Max(1, renameConcurrency);
    }

    /// <summary>The key layout.</summary>
    public ObjectKeyMap Keys { get; }

    /// <summary>The attributes of <paramref name="path"/>, or null when nothing has the name (one HEAD, and one listing of at most one key when no object has the name).</summary>
    public async ValueTask<VfsFileInfo?> TryGetInfoAsync(string path, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(path))
        {
            return ObjectEntries.Directory("/", null);
        }
        var file = await HeadFileAsync(Keys.File(path), ObjectKeyMap.Name(path), cancellationToken).ConfigureAwait(false);
        if (file is not null)
        {
            return file;
        }
        return await DirectoryExistsAsync(path, cancellationToken).ConfigureAwait(false) ? ObjectEntries.Directory(ObjectKeyMap.Name(path), null) : null;
    }

    /// <summary>The attributes of <paramref name="path"/>; <see cref="VfsError.NotFound"/> when nothing has the name.</summary>
    public async ValueTask<VfsFileInfo> GetInfoAsync(string path, CancellationToken cancellationToken)
        => await TryGetInfoAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new VfsException(VfsError.NotFound, "No such file.");

    /// <summary>
    /// Applies an attribute change: truncating to zero writes an empty object; every other change (a size, mode,
    /// owner or times) is <see cref="IgnoresSetstat"/>'s to ignore or refuse.
    /// </summary>
    public async ValueTask SetInfoAsync(string path, VfsAttributeChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var info = await GetInfoAsync(path, cancellationToken).ConfigureAwait(false);
        if (change.Size is { } size)
        {
            if (info.Type == VfsFileType.Directory)
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            if (size == 0 && info.Size != 0)
            {
                await PutEmptyAsync(Keys.File(path), cancellationToken).ConfigureAwait(false);
            }
            else if (size != info.Size)
            {
                Unsupported("truncate", path);
            }
        }
        if (change.Permissions is not null)
        {
            Unsupported("chmod", path);
        }
        if (change.Owner is not null)
        {
            Unsupported("chown", path);
        }
        if (change.Times is not null)
        {
            Unsupported("chtimes", path);
        }
    }

    /// <summary>Opens a file for reading; <see cref="VfsError.IsADirectory"/> or <see cref="VfsError.NotFound"/> when it is none.</summary>
    public async ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(path))
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        var reader = await OpenFileAsync(Keys.File(path), ObjectKeyMap.Name(path), cancellationToken).ConfigureAwait(false);
        if (reader is null)
        {
            throw await DirectoryExistsAsync(path, cancellationToken).ConfigureAwait(false)
                ? new VfsException(VfsError.IsADirectory, "Is a directory.")
                : new VfsException(VfsError.NotFound, "No such file.");
        }
        return reader;
    }

    /// <summary>
    /// Opens an upload: refused onto a directory, onto an existing file with <see cref="VfsWriteOptions.CreateNew"/>,
    /// into a missing parent, or at an offset past the file's end; an offset above zero (without
    /// <see cref="VfsWriteOptions.Truncate"/>) resumes with <see cref="ObjectPartWriter.ResumeAsync"/>.
    /// </summary>
    public async ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ObjectKeyMap.IsRoot(path))
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        var existing = await TryGetInfoAsync(path, cancellationToken).ConfigureAwait(false);
        if (existing?.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        if (existing is not null && options.CreateNew)
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        if (existing is null)
        {
            await RequireDirectoryAsync(ObjectKeyMap.Parent(path), cancellationToken).ConfigureAwait(false);
        }
        long offset = options.Truncate ? 0 : options.Offset;
        if (offset > 0 && (existing is null || existing.Size < offset))
        {
            throw new VfsException(VfsError.Failure, "Cannot resume past the end of the file.");
        }
        var writer = CreateWriter(Keys.File(path), ObjectKeyMap.Name(path));
        try
        {
            if (offset > 0)
            {
                await writer.ResumeAsync(offset, cancellationToken).ConfigureAwait(false);
            }
            return writer;
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a directory marker, in an existing parent; <see cref="VfsError.AlreadyExists"/> when the name is taken.</summary>
    public async ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(path) || await TryGetInfoAsync(path, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        await RequireDirectoryAsync(ObjectKeyMap.Parent(path), cancellationToken).ConfigureAwait(false);
        await PutEmptyAsync(Keys.Directory(path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a file (not a directory).</summary>
    public async ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
    {
        var info = await GetInfoAsync(path, cancellationToken).ConfigureAwait(false);
        if (info.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        await DeleteKeyAsync(Keys.File(path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes an empty directory's marker (one listing of at most two keys); never the root.</summary>
    public async ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(path))
        {
            throw new VfsException(VfsError.PermissionDenied, "Cannot remove the root.");
        }
        string prefix = Keys.Directory(path);
        var keys = await FirstKeysAsync(prefix, 2, cancellationToken).ConfigureAwait(false);
        if (keys.Count == 0)
        {
            var info = await TryGetInfoAsync(path, cancellationToken).ConfigureAwait(false);
            throw info is null ? new VfsException(VfsError.NotFound, "No such directory.") : new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        if (keys.Any(k => k != prefix))
        {
            throw new VfsException(VfsError.DirectoryNotEmpty, "Directory not empty.");
        }
        await DeleteKeyAsync(prefix, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Renames a file or a directory (copies then deletes, not atomic; see <see cref="ObjectFileTree"/> for the
    /// limits). Onto an existing name only with <paramref name="overwrite"/>, a file onto a file and a directory
    /// onto an empty directory.
    /// </summary>
    public async ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(from) || ObjectKeyMap.IsRoot(to))
        {
            throw new VfsException(VfsError.PermissionDenied, "Cannot rename the root.");
        }
        if (string.Equals(from, to, StringComparison.Ordinal))
        {
            return;
        }
        var source = await GetInfoAsync(from, cancellationToken).ConfigureAwait(false);
        if (source.Type == VfsFileType.Directory && to.StartsWith(from + "/", StringComparison.Ordinal))
        {
            throw new VfsException(VfsError.InvalidPath, "Cannot move a directory into itself.");
        }
        var target = await TryGetInfoAsync(to, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            await RequireDirectoryAsync(ObjectKeyMap.Parent(to), cancellationToken).ConfigureAwait(false);
        }
        else if (!overwrite)
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        else if (target.Type == VfsFileType.Directory && source.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        else if (target.Type != VfsFileType.Directory && source.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }

        if (source.Type != VfsFileType.Directory)
        {
            await CopyKeyAsync(Keys.File(from), Keys.File(to), source.Size, cancellationToken).ConfigureAwait(false);
            await DeleteKeyAsync(Keys.File(from), cancellationToken).ConfigureAwait(false);
            OnRenamed(from, to, 1);
            return;
        }
        if (target is not null)
        {
            // posix-rename onto an existing directory: only an empty one may be replaced.
            await DeleteDirectoryAsync(to, cancellationToken).ConfigureAwait(false);
        }
        await RenameDirectoryAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies a whole file server-side: from offset 0 to the end of <paramref name="from"/> onto offset 0 of a
    /// missing or not larger <paramref name="to"/>; anything else fails with <see cref="VfsError.Unsupported"/>.
    /// </summary>
    public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        var source = await GetInfoAsync(from, cancellationToken).ConfigureAwait(false);
        if (source.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        var target = await TryGetInfoAsync(to, cancellationToken).ConfigureAwait(false);
        if (target?.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        bool whole = fromOffset == 0 && toOffset == 0 && (length == 0 || length >= source.Size) && (target is null || target.Size <= source.Size);
        if (!whole)
        {
            throw new VfsException(VfsError.Unsupported, "Partial copies are not supported by the storage.");
        }
        if (target is null)
        {
            await RequireDirectoryAsync(ObjectKeyMap.Parent(to), cancellationToken).ConfigureAwait(false);
        }
        await CopyKeyAsync(Keys.File(from), Keys.File(to), source.Size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Succeeds when <paramref name="path"/> is an existing directory; else <see cref="VfsError.NotADirectory"/> or <see cref="VfsError.NotFound"/>.</summary>
    public async ValueTask RequireDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        if (ObjectKeyMap.IsRoot(path) || await DirectoryExistsAsync(path, cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        throw await HeadFileAsync(Keys.File(path), ObjectKeyMap.Name(path), cancellationToken).ConfigureAwait(false) is not null
            ? new VfsException(VfsError.NotADirectory, "Not a directory.")
            : new VfsException(VfsError.NotFound, "No such directory.");
    }

    /// <summary>The attributes of the object <paramref name="key"/> (named <paramref name="name"/>), or null when there is none.</summary>
    protected abstract ValueTask<VfsFileInfo?> HeadFileAsync(string key, string name, CancellationToken cancellationToken);

    /// <summary>A reader of the object <paramref name="key"/> (named <paramref name="name"/>), pinned to its current version; null when there is none.</summary>
    protected abstract ValueTask<IVfsReader?> OpenFileAsync(string key, string name, CancellationToken cancellationToken);

    /// <summary>A new, empty upload into <paramref name="key"/> (named <paramref name="name"/>).</summary>
    protected abstract ObjectPartWriter CreateWriter(string key, string name);

    /// <summary>The first keys (at most <paramref name="count"/>) under <paramref name="prefix"/>, from one flat listing request.</summary>
    protected abstract ValueTask<IReadOnlyList<string>> FirstKeysAsync(string prefix, int count, CancellationToken cancellationToken);

    /// <summary>Every key under <paramref name="prefix"/> with its size (a flat listing, page by page as enumerated).</summary>
    protected abstract IAsyncEnumerable<KeyValuePair<string, long>> ListKeysAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Writes a zero-length object (an empty file, or a directory marker).</summary>
    protected abstract ValueTask PutEmptyAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes one object.</summary>
    protected abstract ValueTask DeleteKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>Copies one object of <paramref name="size"/> bytes server-side, replacing <paramref name="targetKey"/>.</summary>
    protected abstract ValueTask CopyKeyAsync(string sourceKey, string targetKey, long size, CancellationToken cancellationToken);

    /// <summary>Whether an unsupported attribute change (<paramref name="operation"/>: truncate, chmod, chown, chtimes) is ignored (and logged) rather than refused.</summary>
    protected abstract bool IgnoresSetstat(string operation, string path);

    /// <summary>Logs a completed rename of <paramref name="objects"/> object(s).</summary>
    protected abstract void OnRenamed(string from, string to, int objects);

    /// <summary>Logs a directory rename refused for having more than <paramref name="limit"/> objects.</summary>
    protected abstract void OnRenameTooLarge(string from, int limit);

    private async ValueTask<bool> DirectoryExistsAsync(string path, CancellationToken cancellationToken) =>
        ObjectKeyMap.IsRoot(path) || (await FirstKeysAsync(Keys.Directory(path), 1, cancellationToken).ConfigureAwait(false)).Count > 0;

    private void Unsupported(string operation, string path)
    {
        if (!IgnoresSetstat(operation, path))
        {
            throw new VfsException(VfsError.Unsupported, "Operation not supported by the storage.");
        }
    }

    private async ValueTask RenameDirectoryAsync(string from, string to, CancellationToken cancellationToken)
    {
        string fromPrefix = Keys.Directory(from);
        string toPrefix = Keys.Directory(to);
        var objects = new List<KeyValuePair<string, long>>();
        int children = 0;
        await foreach (var item in ListKeysAsync(fromPrefix, cancellationToken).ConfigureAwait(false))
        {
            objects.Add(item);
            // The marker (if any) does not count towards the limit.
            if (item.Key != fromPrefix && ++children > _maxRenameObjects)
            {
                OnRenameTooLarge(from, _maxRenameObjects);
                throw new VfsException(VfsError.Unsupported, "Directory too large to rename on this storage.");
            }
        }
        if (!objects.Any(o => o.Key == fromPrefix))
        {
            // Keep the directory itself even if every object under it is moved away later.
            objects.Add(new KeyValuePair<string, long>(fromPrefix, 0));
            await PutEmptyAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _renameConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(objects, parallel, async (item, ct) =>
            await CopyKeyAsync(item.Key, toPrefix + item.Key[fromPrefix.Length..], item.Value, ct).ConfigureAwait(false)).ConfigureAwait(false);
        // Children first, the marker last, so an interrupted rename never leaves children without their directory.
        await Parallel.ForEachAsync(objects.Where(o => o.Key != fromPrefix), parallel, async (item, ct) =>
            await DeleteKeyAsync(item.Key, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await DeleteKeyAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        OnRenamed(from, to, objects.Count);
    }
}
