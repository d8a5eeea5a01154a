using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>Renames and copies: server-side Copy Blob (waited for until it completes), then deletes.</summary>
public sealed partial class AzureBlobFileSystem
{
    /// <inheritdoc />
    /// <remarks>
    /// Not atomic: each blob is copied server-side then deleted. A directory is renamed blob by blob, up to
    /// <see cref="AzureBlobFileSystemOptions.MaxRenameObjects"/> blobs (its marker not counted), at most
    /// <see cref="AzureBlobFileSystemOptions.UploadConcurrency"/> at once; beyond that limit it fails with
    /// <see cref="VfsError.Unsupported"/> before anything is copied.
    /// </remarks>
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
        var source = await GetInfoAsync(from, followLinks: false, cancellationToken).ConfigureAwait(false);
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
            await CopyBlobAsync(Keys.File(from), Keys.File(to), cancellationToken).ConfigureAwait(false);
            await DeleteBlobAsync(Keys.File(from), cancellationToken).ConfigureAwait(false);
            AzureBlobLog.Renamed(Logger, from, to, 1);
            return;
        }
        if (target is not null)
        {
            // posix-rename onto an existing directory: only an empty one may be replaced.
            await DeleteDirectoryAsync(to, cancellationToken).ConfigureAwait(false);
        }
        await RenameDirectoryAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Blob storage copies whole blobs only: a copy from offset 0 to the end of <paramref name="from"/> onto offset 0 of
    /// a missing or not larger <paramref name="to"/> is one server-side Copy Blob; anything else fails with
    /// <see cref="VfsError.Unsupported"/>. SFTP copy-data between open handles streams through the server instead.
    /// </remarks>
    public async ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
    {
        var source = await GetInfoAsync(from, followLinks: true, cancellationToken).ConfigureAwait(false);
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
        await CopyBlobAsync(Keys.File(from), Keys.File(to), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RenameDirectoryAsync(string from, string to, CancellationToken cancellationToken)
    {
        string fromPrefix = Keys.Directory(from);
        string toPrefix = Keys.Directory(to);
        var names = await CallAsync("ListBlobs", fromPrefix, async () =>
        {
            var found = new List<string>();
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = fromPrefix }, cancellationToken).ConfigureAwait(false))
            {
                found.Add(item.Name);
                // The marker (if any) does not count towards the limit.
                if (found.Count(n => n != fromPrefix) > Options.MaxRenameObjects)
                {
                    return null;
                }
            }
            return found;
        }).ConfigureAwait(false);
        if (names is null)
        {
            AzureBlobLog.RenameTooLarge(Logger, from, Options.MaxRenameObjects);
            throw new VfsException(VfsError.Unsupported, "Directory too large to rename on this storage.");
        }
        if (!names.Contains(fromPrefix))
        {
            // Keep the directory itself even if every blob under it is moved away later.
            names.Add(fromPrefix);
            await PutEmptyAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.UploadConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(names, parallel, async (name, ct) =>
            await CopyBlobAsync(name, toPrefix + name[fromPrefix.Length..], ct).ConfigureAwait(false)).ConfigureAwait(false);
        // Children first, the marker last, so an interrupted rename never leaves children without their directory.
        await Parallel.ForEachAsync(names.Where(n => n != fromPrefix), parallel, async (name, ct) =>
            await DeleteBlobAsync(name, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await DeleteBlobAsync(fromPrefix, cancellationToken).ConfigureAwait(false);
        AzureBlobLog.Renamed(Logger, from, to, names.Count);
    }

    /// <summary>A server-side Copy Blob of <paramref name="sourceName"/> onto <paramref name="targetName"/>, waited for.</summary>
    internal async ValueTask CopyBlobAsync(string sourceName, string targetName, CancellationToken cancellationToken)
    {
        var source = Blob(sourceName);
        var target = Blob(targetName);
        await CallAsync("CopyBlob", sourceName, async () =>
        {
            var operation = await target.StartCopyFromUriAsync(source.Uri, new BlobCopyFromUriOptions { AccessTier = Tier }, cancellationToken).ConfigureAwait(false);
            return await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
