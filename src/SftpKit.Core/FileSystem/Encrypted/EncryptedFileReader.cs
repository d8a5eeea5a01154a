using System.Buffers;
using System.Security.Cryptography;
using static SftpKit.FileSystem.Encrypted.EncryptedFileFormat;

namespace SftpKit.FileSystem.Encrypted;

/// <summary>
/// Random-access reads of an encrypted file: each read opens (authenticates and decrypts) the chunks it touches and
/// returns plaintext only from chunks that authenticated. The final chunk is checked when the file is opened, so a
/// file cut short or sealed with another key fails at OPEN, before any byte is returned. Reads of one handle are
/// serialised; the last chunk opened is kept for the next read (one 64 KiB buffer per open file).
/// </summary>
internal sealed class EncryptedFileReader : IVfsReader
{
    private readonly IVfsReader _inner;
    private readonly byte[] _header;
    private readonly AesGcm _aes;
    private readonly long _plainSize;
    private readonly long _finalIndex;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _sealed = ArrayPool<byte>.Shared.Rent(ChunkSize + ChunkOverhead);
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private long _cachedIndex = -1;
    private int _cachedLength;
    private int _disposed;

    private const int ChunkSize = EncryptedFileSystemOptions.ChunkSize;

    private EncryptedFileReader(IVfsReader inner, byte[] header, AesGcm aes, long plainSize)
    {
        _inner = inner;
        _header = header;
        _aes = aes;
        _plainSize = plainSize;
        _finalIndex = plainSize / ChunkSize;
    }

    /// <summary>The plaintext size.</summary>
    public long PlainSize => _plainSize;

    /// <summary>Reads the header, derives the file key and authenticates the final chunk; disposes <paramref name="inner"/> on failure.</summary>
    public static async ValueTask<EncryptedFileReader> OpenAsync(IVfsReader inner, byte[] masterKey, CancellationToken cancellationToken)
    {
        EncryptedFileReader? reader = null;
        try
        {
            var header = new byte[HeaderSize];
            if (await ReadFullyAsync(inner, 0, header, cancellationToken).ConfigureAwait(false) != HeaderSize)
            {
                throw Corrupt();
            }
            ReadChunkSize(header);
            var info = await inner.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            if (!TryGetPlainSize(info.Size, ChunkSize, out long plainSize))
            {
                throw Corrupt();
            }
            var key = DeriveFileKey(masterKey, header);
            var aes = new AesGcm(key, TagSize);
            CryptographicOperations.ZeroMemory(key);
            reader = new EncryptedFileReader(inner, header, aes, plainSize);
            await reader.LoadAsync(reader._finalIndex, cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>The final chunk's plaintext (0 to 64 KiB − 1 bytes), authenticated; for appending.</summary>
    public async ValueTask<byte[]> ReadFinalChunkAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(_finalIndex, cancellationToken).ConfigureAwait(false);
            return _plain.AsSpan(0, _cachedLength).ToArray();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The file's header (its id binds every chunk).</summary>
    public byte[] Header => _header;

    public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= _plainSize || buffer.IsEmpty)
        {
            return 0;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int total = 0;
            while (total < buffer.Length && offset < _plainSize)
            {
                long index = offset / ChunkSize;
                int within = (int)(offset % ChunkSize);
                await LoadAsync(index, cancellationToken).ConfigureAwait(false);
                int count = Math.Min(_cachedLength - within, buffer.Length - total);
                if (count <= 0)
                {
                    break;
                }
                _plain.AsSpan(within, count).CopyTo(buffer.Span[total..]);
                total += count;
                offset += count;
            }
            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
        => (await _inner.GetInfoAsync(cancellationToken).ConfigureAwait(false)) with { Size = _plainSize };

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _inner.DisposeAsync().ConfigureAwait(false);
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_plain.AsSpan(0, ChunkSize));
        ArrayPool<byte>.Shared.Return(_plain);
        ArrayPool<byte>.Shared.Return(_sealed);
        _gate.Dispose();
    }

    private async ValueTask LoadAsync(long index, CancellationToken cancellationToken)
    {
        if (index == _cachedIndex)
        {
            return;
        }
        bool final = index == _finalIndex;
        int plainLength = final ? (int)(_plainSize % ChunkSize) : ChunkSize;
        int sealedLength = plainLength + ChunkOverhead;
        _cachedIndex = -1;
        int read = await ReadFullyAsync(_inner, ChunkOffset(index, ChunkSize), _sealed.AsMemory(0, sealedLength), cancellationToken)
            .ConfigureAwait(false);
        if (read != sealedLength)
        {
            throw Corrupt();
        }
        Open(_aes, _header, index, final, _sealed.AsSpan(0, sealedLength), _plain);
        _cachedIndex = index;
        _cachedLength = plainLength;
    }

    private static async ValueTask<int> ReadFullyAsync(IVfsReader reader, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await reader.ReadAsync(offset + total, buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
