using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Objects;

namespace SftpKit.Storage.S3;

/// <summary>
/// A file system on an S3 bucket (or an S3-compatible service), confined to <see cref="S3FileSystemOptions.KeyPrefix"/>.
/// Files are objects; directories are key prefixes, an empty one kept by a zero-byte <c>name/</c> marker.
/// Uploads stream into a multipart upload (one PutObject when they fit one part) and appear only when completed;
/// downloads are ranged GETs with bounded read-ahead. Renames are server-side copies then deletes, not atomic.
/// chmod, chown, chtimes and truncate follow <see cref="S3FileSystemOptions.SetstatMode"/>; symbolic and hard links,
/// random-access writes and read-write opens are not supported. Its capabilities: <see cref="IVfsServerSideCopy"/>,
/// <see cref="IVfsSpaceInfo"/> and <see cref="IVfsInfoProbe"/> (an existence check without an exception).
/// </summary>
public sealed partial class S3FileSystem : IVirtualFileSystem, IVfsServerSideCopy, IVfsSpaceInfo, IVfsInfoProbe, IDisposable
{
    private readonly bool _ownsClient;

    /// <summary>Creates a file system with its own SDK client; see <see cref="S3FileSystemOptions"/> for every setting.</summary>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public S3FileSystem(S3FileSystemOptions options, ILogger<S3FileSystem>? logger = null)
        : this(S3FileSystemOptions.Checked(options), S3ClientFactory.Create(options), root: null, logger ?? (ILogger)NullLogger.Instance, ownsClient: true)
    {
    }

    internal S3FileSystem(S3FileSystemOptions options, IAmazonS3 client, string? root, ILogger logger, bool ownsClient)
    {
        Options = options;
        Client = client;
        Logger = logger;
        _ownsClient = ownsClient;
        Bucket = options.Bucket!;
        Keys = new ObjectKeyMap(options.KeyPrefix, root);
        Checksum = S3Checksums.Parse(options.ChecksumAlgorithm);
        Tree = new S3FileTree(this);
        if (options.SkipTlsVerify)
        {
            S3Log.SkipTlsVerify(logger, Bucket);
        }
    }

    internal S3FileSystemOptions Options { get; }

    internal IAmazonS3 Client { get; }

    internal ILogger Logger { get; }

    internal string Bucket { get; }

    internal ObjectKeyMap Keys { get; }

    internal ChecksumAlgorithm? Checksum { get; }

    internal S3FileTree Tree { get; }

    /// <summary>The key prefix this file system is confined to (empty or ending in <c>/</c>).</summary>
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
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, Delimiter = "/" };
        bool any = ObjectKeyMap.IsRoot(path);
        while (true)
        {
            var page = await CallAsync("ListObjectsV2", prefix, () => Client.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (var common in page.CommonPrefixes ?? [])
            {
                any = true;
                string name = common[prefix.Length..].TrimEnd('/');
                if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal))
                {
                    yield return S3Entries.Directory(name, null);
                }
            }
            foreach (var item in page.S3Objects ?? [])
            {
                any = true;
                string name = item.Key[prefix.Length..];
                if (name.Length > 0 && !name.Contains('/', StringComparison.Ordinal))
                {
                    yield return S3Entries.File(name, item.Size ?? 0, item.LastModified);
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
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
        => Tree.OpenReadAsync(path, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Every upload is atomic on S3 whatever <see cref="VfsWriteOptions.Atomic"/> says: the object appears when
    /// <see cref="IVfsWriter.CompleteAsync"/> succeeds. An offset above zero resumes: the first bytes of the existing
    /// object are copied server-side (or, under 5 MiB, read back) into the new upload.
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
        // Buckets have no size: report 1 PiB free so clients that check space proceed (quotas narrow it above).
        const long blockSize = 4096;
        const long blocks = (1L << 50) / blockSize;
        return ValueTask.FromResult(new VfsSpaceInfo(blockSize, blocks, blocks, blocks, 1L << 32, 1L << 32, 1024));
    }

    /// <summary>Disposes the SDK client when this file system made it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            Client.Dispose();
        }
    }

    /// <inheritdoc />
    /// <remarks>One HEAD request, and one LIST of at most one key when no object has the name.</remarks>
    ValueTask<VfsFileInfo?> IVfsInfoProbe.TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
        => TryGetInfoAsync(path, cancellationToken);

    internal ValueTask<VfsFileInfo?> TryGetInfoAsync(string path, CancellationToken cancellationToken)
        => Tree.TryGetInfoAsync(path, cancellationToken);

    internal async ValueTask<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        var request = new GetObjectMetadataRequest { BucketName = Bucket, Key = key };
        if (Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
        using var span = S3Telemetry.Start("HeadObject");
        try
        {
            return await Client.GetObjectMetadataAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (S3Errors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (S3Errors.IsStorageFailure(ex))
        {
            throw S3Errors.Map(ex, "HeadObject", key, Logger);
        }
    }

    /// <summary>Runs one SDK call, mapping its failures.</summary>
    internal async Task<T> CallAsync<T>(string operation, string key, Func<Task<T>> call)
    {
        using var span = S3Telemetry.Start(operation);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Errors.IsStorageFailure(ex))
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            throw S3Errors.Map(ex, operation, key, Logger);
        }
    }

    internal void ApplyWriteSettings(PutObjectRequest request)
    {
        if (Options.StorageClass is { Length: > 0 } storageClass)
        {
            request.StorageClass = S3StorageClass.FindValue(storageClass);
        }
        if (Options.Acl is { Length: > 0 } acl)
        {
            request.CannedACL = S3CannedACL.FindValue(acl);
        }
        if (Options.SseCustomerKey is { Length: > 0 } sse)
        {
            request.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            request.ServerSideEncryptionCustomerProvidedKey = sse;
        }
        if (Checksum is { } checksum)
        {
            request.ChecksumAlgorithm = checksum;
        }
        request.UseChunkEncoding = Options.UseChunkEncoding;
        request.DisablePayloadSigning = Options.DisablePayloadSigning;
    }

    internal async ValueTask PutEmptyAsync(string key, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream([], writable: false) };
        ApplyWriteSettings(request);
        await CallAsync("PutObject", key, () => Client.PutObjectAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    internal async ValueTask DeleteKeyAsync(string key, CancellationToken cancellationToken) =>
        await CallAsync("DeleteObject", key, () => Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, cancellationToken)).ConfigureAwait(false);
}
