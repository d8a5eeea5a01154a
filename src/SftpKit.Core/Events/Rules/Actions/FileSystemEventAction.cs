using SftpKit.FileSystem;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// Carries out <see cref="SftpEventActionType.FileSystem"/> actions on the account's own storage (as its logins see it,
/// with every permission granted, quota counted): rename, delete, mkdir, exist, copy and compress, with the semantics
/// of SFTPGo's file-system actions. Paths are templates (see <see cref="EventActionPaths"/>); entries run in order and
/// the first failure stops the action.
/// <list type="bullet">
/// <item>Rename: source to target, replacing a target file; the target's missing parent directories are created.</item>
/// <item>Delete: a file, or a directory with everything in it; a path ending with <c>/</c> (and the root) deletes only the
/// contents; a wildcard (<c>*</c>, <c>?</c>, <c>[...]</c>) in the last segment deletes every match in that directory.</item>
/// <item>Mkdir: creates the directory and its missing parents; an existing directory is fine.</item>
/// <item>Exist: fails unless every path exists.</item>
/// <item>Copy: a file or a directory tree; a target ending with <c>/</c> receives the source under its own name; a
/// source ending with <c>/</c> copies the directory's contents; a wildcard in the source's last segment copies every
/// match; target files are replaced, missing parents created; links and special files are skipped.</item>
/// <item>Compress: a zip of the paths (directories recursively) written to the target (see <see cref="ZipCompressor"/>).</item>
/// </list>
/// One action visits at most <see cref="MaxEntries"/> entries (delete, copy, wildcard listings) and writes at most
/// <see cref="MaxZipEntries"/> zip entries.
/// </summary>
internal sealed class FileSystemEventAction : ISftpEventActionExecutor
{
    /// <summary>Most entries one delete, copy or wildcard listing visits: 100,000.</summary>
    public const int MaxEntries = 100_000;

    /// <summary>Most entries (files and directories) in one zip: 10,000.</summary>
    public const int MaxZipEntries = 10_000;

    public SftpEventActionType Type => SftpEventActionType.FileSystem;

    public async Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.Action.Options.FileSystem ?? throw new SftpEventActionException("the file-system action has no settings");
        var fs = await context.OpenFileSystemAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            switch (settings.Type)
            {
                case SftpFileActionType.Rename:
                    await RenameAsync(context, fs, settings.Renames, cancellationToken).ConfigureAwait(false);
                    break;
                case SftpFileActionType.Delete:
                    await DeleteAsync(context, fs, settings.Deletes, cancellationToken).ConfigureAwait(false);
                    break;
                case SftpFileActionType.MakeDirectories:
                    await MakeDirectoriesAsync(context, fs, settings.MakeDirectories, cancellationToken).ConfigureAwait(false);
                    break;
                case SftpFileActionType.Exist:
                    await ExistAsync(context, fs, settings.Exist, cancellationToken).ConfigureAwait(false);
                    break;
                case SftpFileActionType.Copy:
                    await CopyAsync(context, fs, settings.Copies, cancellationToken).ConfigureAwait(false);
                    break;
                case SftpFileActionType.Compress:
                    await CompressAsync(context, fs, settings.Compress, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new SftpEventActionException("unknown file-system action type");
            }
        }
        finally
        {
            if (fs is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (fs is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    private static void RequireSome<T>(IReadOnlyCollection<T> items, string what)
    {
        if (items.Count == 0)
        {
            throw new SftpEventActionException($"the {what} action names no path");
        }
    }

    private static async Task RenameAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<SftpKeyValue> renames, CancellationToken cancellationToken)
    {
        RequireSome(renames, "rename");
        foreach (var pair in renames)
        {
            string source = EventActionPaths.Resolve(context, pair.Key).Path;
            string target = EventActionPaths.Resolve(context, pair.Value).Path;
            if (source == VirtualPath.Root || target == VirtualPath.Root)
            {
                throw new SftpEventActionException("the root cannot be renamed or replaced");
            }
            if (source == target)
            {
                continue;
            }
            try
            {
                await VfsTree.CreateDirectoriesAsync(fs, VirtualPath.GetParent(target), cancellationToken).ConfigureAwait(false);
                await fs.RenameAsync(source, target, overwrite: true, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                throw EventActionPaths.Failure("rename of", source, ex);
            }
        }
    }

    private static async Task DeleteAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<string> deletes, CancellationToken cancellationToken)
    {
        RequireSome(deletes, "delete");
        var budget = new EntryBudget(MaxEntries, "delete");
        foreach (string template in deletes)
        {
            var target = EventActionPaths.Resolve(context, template, allowPattern: true);
            try
            {
                if (target.Pattern is { } pattern)
                {
                    foreach (var match in await VfsTree.MatchAsync(fs, target.Path, pattern, budget, cancellationToken).ConfigureAwait(false))
                    {
                        await VfsTree.DeleteAsync(fs, VirtualPath.Combine(target.Path, match.Name), match, contentsOnly: false, budget, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    continue;
                }
                var info = await fs.GetInfoAsync(target.Path, followLinks: false, cancellationToken).ConfigureAwait(false);
                bool contentsOnly = target.DirectoryMarker || target.Path == VirtualPath.Root;
                if (contentsOnly && info.Type != VfsFileType.Directory)
                {
                    throw new VfsException(VfsError.NotADirectory, "Not a directory.");
                }
                await VfsTree.DeleteAsync(fs, target.Path, info, contentsOnly, budget, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                throw EventActionPaths.Failure("delete of", target.Path, ex);
            }
        }
    }

    private static async Task MakeDirectoriesAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<string> paths, CancellationToken cancellationToken)
    {
        RequireSome(paths, "mkdir");
        foreach (string template in paths)
        {
            string path = EventActionPaths.Resolve(context, template).Path;
            try
            {
                await VfsTree.CreateDirectoriesAsync(fs, path, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                throw EventActionPaths.Failure("mkdir of", path, ex);
            }
        }
    }

    private static async Task ExistAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<string> paths, CancellationToken cancellationToken)
    {
        RequireSome(paths, "exist");
        foreach (string template in paths)
        {
            string path = EventActionPaths.Resolve(context, template).Path;
            VfsFileInfo? info;
            try
            {
                info = await VfsTree.FindAsync(fs, path, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                throw EventActionPaths.Failure("check of", path, ex);
            }
            if (info is null)
            {
                throw new SftpEventActionException($"'{EventActionPaths.Shorten(path)}' does not exist");
            }
        }
    }

    private static async Task CopyAsync(SftpEventActionContext context, IVirtualFileSystem fs, List<SftpKeyValue> copies, CancellationToken cancellationToken)
    {
        RequireSome(copies, "copy");
        var budget = new EntryBudget(MaxEntries, "copy");
        foreach (var pair in copies)
        {
            var source = EventActionPaths.Resolve(context, pair.Key, allowPattern: true);
            var target = EventActionPaths.Resolve(context, pair.Value);
            try
            {
                if (source.Pattern is { } pattern)
                {
                    await VfsTree.CreateDirectoriesAsync(fs, target.Path, cancellationToken).ConfigureAwait(false);
                    foreach (var match in await VfsTree.MatchAsync(fs, source.Path, pattern, budget, cancellationToken).ConfigureAwait(false))
                    {
                        if (match.Type is VfsFileType.File)
                        {
                            budget.Take();
                            await VfsTree.CopyFileAsync(fs, VirtualPath.Combine(source.Path, match.Name), VirtualPath.Combine(target.Path, match.Name),
                                cancellationToken).ConfigureAwait(false);
                        }
                    }
                    continue;
                }
                var info = await fs.GetInfoAsync(source.Path, followLinks: true, cancellationToken).ConfigureAwait(false);
                string to = target.Path;
                if (source.DirectoryMarker || (source.Path == VirtualPath.Root))
                {
                    if (info.Type != VfsFileType.Directory)
                    {
                        throw new VfsException(VfsError.NotADirectory, "Not a directory.");
                    }
                }
                else if (target.DirectoryMarker || target.Path == VirtualPath.Root)
                {
                    to = VirtualPath.Combine(target.Path, VirtualPath.GetName(source.Path));
                }
                if (info.Type == VfsFileType.File)
                {
                    await VfsTree.CreateDirectoriesAsync(fs, VirtualPath.GetParent(to), cancellationToken).ConfigureAwait(false);
                }
                await VfsTree.CopyAsync(fs, source.Path, info, to, budget, cancellationToken).ConfigureAwait(false);
            }
            catch (VfsException ex)
            {
                throw EventActionPaths.Failure("copy of", source.Path, ex);
            }
        }
    }

    private static async Task CompressAsync(SftpEventActionContext context, IVirtualFileSystem fs, SftpCompressSettings? settings, CancellationToken cancellationToken)
    {
        if (settings is null)
        {
            throw new SftpEventActionException("the compress action has no settings");
        }
        RequireSome(settings.Paths, "compress");
        string target = EventActionPaths.Resolve(context, settings.Name).Path;
        if (target == VirtualPath.Root)
        {
            throw new SftpEventActionException("the zip needs a file name");
        }
        var sources = settings.Paths.Select(p => EventActionPaths.Resolve(context, p).Path).Distinct(StringComparer.Ordinal)
            .Where(p => p != target).ToList();
        RequireSome(sources, "compress");
        try
        {
            await ZipCompressor.CompressAsync(fs, target, sources, cancellationToken).ConfigureAwait(false);
        }
        catch (VfsException ex)
        {
            throw EventActionPaths.Failure("compress to", target, ex);
        }
    }
}
