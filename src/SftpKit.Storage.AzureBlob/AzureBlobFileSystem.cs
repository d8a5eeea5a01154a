using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// A file system on an Azure Blob Storage container, confined to <see cref="AzureBlobFileSystemOptions.KeyPrefix"/>.
/// Files are block blobs; directories are name prefixes, an empty one kept by a zero-length <c>name/</c> marker blob.
/// Uploads stream block by block (Put Block) and are committed at close (Put Block List), so nothing is visible
/// before; downloads are ranged GETs with bounded read-ahead. Renames are server-side copies then deletes, not atomic.
/// chmod, chown, chtimes and truncate follow <see cref="AzureBlobFileSystemOptions.SetstatMode"/>; symbolic and hard
/// links, random-access writes and read-write opens are not supported. Its capabilities:
/// <see cref="IVfsServerSideCopy"/>, <see cref="IVfsSpaceInfo"/> and <see cref="IVfsInfoProbe"/>.
/// </summary>
public sealed partial class AzureBlobFileSystem : IVirtualFileSystem, IVfsServerSideCopy, IVfsSpaceInfo, IVfsInfoProbe
{
    /// <summary>Creates a file system with its own client; see <see cref="AzureBlobFileSystemOptions"/> for every setting.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public AzureBlobFileSystem(AzureBlobFileSystemOptions options, ILogger<AzureBlobFileSystem>? logger = null)
        : this(AzureBlobFileSystemOptions.Checked(options), AzureBlobClientFactory.Create(options), root: null, logger ?? (ILogger)NullLogger.Instance)
    {
    }

    internal AzureBlobFileSystem(AzureBlobFileSystemOptions options, BlobContainerClient container, string? root, ILogger logger)
    {
        Options = options;
        Container = container;
        Logger = logger;
        Keys = new ObjectKeyMap(options.KeyPrefix, root);
        Tree = new AzureBlobFileTree(this);
        Tier = string.IsNullOrWhiteSpace(options.AccessTier) ? default(AccessTier?) : new AccessTier(Capitalised(options.AccessTier));
        if (options.SkipTlsVerify)
        {
            AzureBlobLog.SkipTlsVerify(logger, container.Name);
        }
    }

    internal AzureBlobFileSystemOptions Options { get; }

    internal BlobContainerClient Container { get; }

    internal ILogger Logger { get; }

    internal ObjectKeyMap Keys { get; }

    internal AccessTier? Tier { get; }

    internal AzureBlobFileTree Tree { get; }

    /// <summary>The name prefix this file system is confined to (empty or ending in <c>/</c>).</summary>
    public string KeyPrefix => Keys.Prefix;

    /// <inheritdoc />
    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
        => Tree.GetInfoAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
        => Tree.SetInfoAsync(path, change, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = Keys.Directory(path);
        bool any = ObjectKeyMap.IsRoot(path);
        var pages = Container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" }, cancellationToken).AsPages();
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Page<BlobHierarchyItem> page;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
                page = enumerator.Current;
            }
            catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex))
            {
                throw AzureBlobErrors.Map(ex, "ListBlobs", prefix, Logger);
            }
            foreach (var item in page.Values)
            {
                any = true;
                if (item.IsPrefix)
                {
                    string name = item.Prefix[prefix.Length..].TrimEnd('/');
                    if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal))
                    {
                        yield return ObjectEntries.Directory(name, null);
                    }
                }
                else
                {
                    string name = item.Blob.Name[prefix.Length..];
                    if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal))
                    {
                        yield return ObjectEntries.File(name, item.Blob.Properties.ContentLength ?? 0, item.Blob.Properties.LastModified);
                    }
                }
            }
        }
        if (!any)
        {
            // Nothing under the prefix: a file, or nothing at all.
            var info = await TryGetInfoAsync(path, cancellationToken).ConfigureAwait(false);
            throw info is null
                ? new VfsException(VfsError.NotFound, "No such directory.")
                : new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
        => Tree.OpenReadAsync(path, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Every upload is atomic whatever <see cref="VfsWriteOptions.Atomic"/> says: the blob appears (or is replaced) when
    /// <see cref="IVfsWriter.CompleteAsync"/> commits its block list. An offset above zero resumes: the existing blob's
    /// committed blocks that lie wholly before the offset are reused, the rest of its first bytes read back.
    /// </remarks>
    public ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
        => Tree.OpenWriteAsync(path, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
        => Tree.CreateDirectoryAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
        => Tree.DeleteFileAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
        => Tree.DeleteDirectoryAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
    {
        // Containers have no size: report 1 PiB free so clients that check space proceed (quotas narrow it above).
        const long blockSize = 4096;
        const long blocks = (1L << 50) / blockSize;
        return ValueTask.FromResult(new VfsSpaceInfo(blockSize, blocks, blocks, blocks, 1L << 32, 1L << 32, 1024));
    }

    /// <inheritdoc />
    /// <remarks>One Get Blob Properties request, and one listing of at most one name when no blob has the name.</remarks>
    ValueTask<VfsFileInfo?> IVfsInfoProbe.TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
        => TryGetInfoAsync(path, cancellationToken);

    internal ValueTask<VfsFileInfo?> TryGetInfoAsync(string path, CancellationToken cancellationToken)
        => Tree.TryGetInfoAsync(path, cancellationToken);

    internal BlockBlobClient Blob(string name) => Container.GetBlockBlobClient(name);

    internal async ValueTask<BlobProperties?> PropertiesAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await Blob(name).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (AzureBlobErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex))
        {
            throw AzureBlobErrors.Map(ex, "GetBlobProperties", name, Logger);
        }
    }

    /// <summary>Runs one SDK call, mapping its failures.</summary>
    internal async Task<T> CallAsync<T>(string operation, string name, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (AzureBlobErrors.IsStorageFailure(ex))
        {
            throw AzureBlobErrors.Map(ex, operation, name, Logger);
        }
    }

    /// <summary>The first <paramref name="count"/> blob names under <paramref name="prefix"/> (flat listing).</summary>
    internal async ValueTask<List<string>> FirstNamesAsync(string prefix, int count, CancellationToken cancellationToken) =>
        await CallAsync("ListBlobs", prefix, async () =>
        {
            var names = new List<string>();
            await foreach (var page in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(pageSizeHint: count).ConfigureAwait(false))
            {
                names.AddRange(page.Values.Select(b => b.Name).Take(count));
                break;
            }
            return names;
        }).ConfigureAwait(false);

    internal async ValueTask PutEmptyAsync(string name, CancellationToken cancellationToken)
    {
        using var empty = new MemoryStream([], writable: false);
        await CallAsync("PutBlob", name, () => Blob(name).UploadAsync(empty, new BlobUploadOptions { AccessTier = Tier }, cancellationToken)).ConfigureAwait(false);
    }

    internal async ValueTask DeleteBlobAsync(string name, CancellationToken cancellationToken) =>
        await CallAsync("DeleteBlob", name, () => Blob(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken)).ConfigureAwait(false);

    private static string Capitalised(string tier) => char.ToUpperInvariant(tier.Trim()[0]) + tier.Trim()[1..].ToLowerInvariant();
}
