using System.Buffers;
using System.Security.Cryptography;
using static SftpKit.FileSystem.Encrypted.EncryptedFileFormat;

namespace SftpKit.FileSystem.Encrypted;

/// <summary>
/// Sequential writes of an encrypted file: plaintext is gathered into one 64 KiB chunk, sealed when full, and the
/// final chunk (possibly empty) is sealed at <see cref="CompleteAsync"/>. Holds two 64 KiB buffers per upload.
/// <see cref="FlushAsync"/> makes durable what has been sealed; the unsealed tail (under 64 KiB) is written at the end.
/// </summary>
internal sealed class EncryptedFileWriter : IVfsWriter
{
    private const int ChunkSize = EncryptedFileSystemOptions.ChunkSize;

    private readonly IVfsWriter _inner;
    private readonly byte[] _header;
    private readonly AesGcm _aes;
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private readonly byte[] _sealed = ArrayPool<byte>.Shared.Rent(ChunkSize + ChunkOverhead);
    private int _buffered;
    private long _chunkIndex;
    private long _position;
    private bool _completed;
    private int _disposed;

    /// <summary>
    /// A writer continuing a file whose next chunk is <paramref name="chunkIndex"/>, with <paramref name="tail"/> the
    /// plaintext of that chunk so far (a resumed file's old final chunk) and <paramref name="position"/> the plaintext
    /// size so far. Takes ownership of <paramref name="inner"/>.
    /// </summary>
    public EncryptedFileWriter(IVfsWriter inner, byte[] header, byte[] masterKey, long chunkIndex, ReadOnlySpan<byte> tail, long position)
    {
        _inner = inner;
        _header = header;
        var key = DeriveFileKey(masterKey, header);
        _aes = new AesGcm(key, TagSize);
        CryptographicOperations.ZeroMemory(key);
        _chunkIndex = chunkIndex;
        tail.CopyTo(_plain);
        _buffered = tail.Length;
        _position = position;
    }

    public long Position => _position;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_completed)
        {
            throw new InvalidOperationException("The upload is complete.");
        }
        while (!data.IsEmpty)
        {
            int count = Math.Min(ChunkSize - _buffered, data.Length);
            data.Span[..count].CopyTo(_plain.AsSpan(_buffered));
            _buffered += count;
            _position += count;
            data = data[count..];
            if (_buffered == ChunkSize)
            {
                // A full chunk is never the final one: a file ending on a chunk boundary ends with an empty final chunk.
                await SealAsync(final: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_completed)
        {
            return;
        }
        await SealAsync(final: true, cancellationToken).ConfigureAwait(false);
        _completed = true;
        await _inner.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
        => (await _inner.GetInfoAsync(cancellationToken).ConfigureAwait(false)) with { Size = _position };

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
    }

    private async ValueTask SealAsync(bool final, CancellationToken cancellationToken)
    {
        int length = _buffered + ChunkOverhead;
        Seal(_aes, _header, _chunkIndex, final, _plain.AsSpan(0, _buffered), _sealed.AsSpan(0, length));
        await _inner.WriteAsync(_sealed.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        _chunkIndex++;
        _buffered = 0;
    }
}
