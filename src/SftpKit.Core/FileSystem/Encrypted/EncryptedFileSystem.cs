using System.Runtime.CompilerServices;
using static SftpKit.FileSystem.Encrypted.EncryptedFileFormat;

namespace SftpKit.FileSystem.Encrypted;

/// <summary>
/// Encryption at rest over any file system (normally a <see cref="LocalFileSystem"/>): file contents are stored in the
/// authenticated chunk format of <c>docs/encrypted-storage.md</c> (AES-256-GCM, 64 KiB chunks, a per-file key derived
/// with HKDF-SHA256 from <see cref="EncryptedFileSystemOptions.MasterKey"/>); names, directories, modes and times are
/// the wrapped file system's own. Sizes are reported as plaintext sizes, computed from the stored size without
/// reading the file. Reads are random-access; writes are sequential from the start or append at the end of the file
/// (resume), never in the middle: an upload at another offset, or a truncate to a size other than 0 or the current
/// size, fails with <see cref="VfsError.Unsupported"/>. A file that was altered, cut, reordered or sealed with another
/// key fails to read with <see cref="VfsError.Failure"/> and returns no plaintext from the chunks that fail.
/// Capabilities passed through: symbolic and hard links, space figures. Not offered: random-access writes and
/// server-side copies of byte ranges.
/// </summary>
public sealed class EncryptedFileSystem : IVirtualFileSystem
{
    private readonly IVirtualFileSystem _inner;
    private readonly byte[] _masterKey;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="options"/> must hold a 32-byte master key (copied).</summary>
    public EncryptedFileSystem(IVirtualFileSystem inner, EncryptedFileSystemOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _inner = inner;
        _masterKey = options.MasterKey.ToArray();
    }

    /// <summary>The stored size of a file holding <paramref name="plainSize"/> bytes (for quota and capacity planning).</summary>
    public static long GetStoredSize(long plainSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plainSize);
        return StoredSize(plainSize, EncryptedFileSystemOptions.ChunkSize);
    }

    /// <inheritdoc />
    public async ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
        => Plain(await _inner.GetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    public async ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Size is { } size)
        {
            var current = await GetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false);
            if (size == 0 && current.Size != 0)
            {
                await using var writer = await OpenWriteAsync(path, new VfsWriteOptions { Truncate = true, Atomic = true }, cancellationToken)
                    .ConfigureAwait(false);
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (size != current.Size)
            {
                throw new VfsException(VfsError.Unsupported, "Encrypted storage truncates only to zero.");
            }
            change = change with { Size = null };
        }
        if (change.Permissions is not null || change.Owner is not null || change.Times is not null)
        {
            await _inner.SetInfoAsync(path, change, followLinks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in _inner.ListAsync(path, cancellationToken).ConfigureAwait(false))
        {
            yield return Plain(entry);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        var inner = await _inner.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        return await EncryptedFileReader.OpenAsync(inner, _masterKey, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Offset == 0)
        {
            // Offset 0 always starts a new file: existing content cannot be overwritten in place under encryption.
            var inner = await _inner.OpenWriteAsync(path, options with { Truncate = true }, cancellationToken).ConfigureAwait(false);
            try
            {
                var header = NewHeader();
                await inner.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                return new EncryptedFileWriter(inner, header, _masterKey, chunkIndex: 0, tail: default, position: 0);
            }
            catch
            {
                await inner.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return await OpenAppendAsync(path, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => _inner.CreateDirectoryAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => _inner.DeleteFileAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => _inner.DeleteDirectoryAsync(path, cancellationToken);

    /// <inheritdoc />
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
        => _inner.RenameAsync(from, to, overwrite, cancellationToken);

    /// <inheritdoc />
    public T? GetCapability<T>()
        where T : class
        => typeof(T) == typeof(IVfsSymbolicLinks) || typeof(T) == typeof(IVfsHardLinks) || typeof(T) == typeof(IVfsSpaceInfo)
            ? _inner.GetCapability<T>()
            : null;

    private async ValueTask<IVfsWriter> OpenAppendAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        byte[] header;
        byte[] tail;
        long plainSize;
        await using (var reader = (EncryptedFileReader)await OpenReadAsync(path, cancellationToken).ConfigureAwait(false))
        {
            plainSize = reader.PlainSize;
            if (options.Offset != plainSize)
            {
                throw new VfsException(VfsError.Unsupported, "Encrypted storage writes only from the start or at the end of a file.");
            }
            header = reader.Header;
            tail = await reader.ReadFinalChunkAsync(cancellationToken).ConfigureAwait(false);
        }
        long finalIndex = plainSize / EncryptedFileSystemOptions.ChunkSize;
        var inner = await _inner.OpenWriteAsync(path,
            options with { Offset = ChunkOffset(finalIndex, EncryptedFileSystemOptions.ChunkSize), Truncate = false, TargetProbed = false },
            cancellationToken).ConfigureAwait(false);
        try
        {
            return new EncryptedFileWriter(inner, header, _masterKey, finalIndex, tail, plainSize);
        }
        catch
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(tail);
        }
    }

    private static VfsFileInfo Plain(VfsFileInfo info)
        => info.Type == VfsFileType.File ? info with { Size = ReportedSize(info.Size, EncryptedFileSystemOptions.ChunkSize) } : info;
}
