using Azure.Storage.Blobs.Models;
using SftpKit.FileSystem;

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
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
        => Tree.RenameAsync(from, to, overwrite, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Blob storage copies whole blobs only: a copy from offset 0 to the end of <paramref name="from"/> onto offset 0 of
    /// a missing or not larger <paramref name="to"/> is one server-side Copy Blob; anything else fails with
    /// <see cref="VfsError.Unsupported"/>. SFTP copy-data between open handles streams through the server instead.
    /// </remarks>
    public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        => Tree.CopyAsync(from, fromOffset, length, to, toOffset, cancellationToken);

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
