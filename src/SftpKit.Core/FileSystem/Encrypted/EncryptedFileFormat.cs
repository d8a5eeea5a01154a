using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SftpKit.FileSystem.Encrypted;

/// <summary>
/// The on-disk format of an encrypted file, version 1 (all integers big-endian):
/// <code>
/// header (40 bytes): "SKCR" | version (1) | log2(chunk size) = 16 (1) | 0x0000 | file id (32 random bytes)
/// chunk*:            nonce (12 random bytes) | ciphertext (64 KiB, fewer in the final chunk) | tag (16)
/// </code>
/// Every file ends with exactly one final chunk holding the last 0 to chunk-size − 1 plaintext bytes (an empty final
/// chunk when the size is a multiple of the chunk size), so the plaintext size follows from the stored size alone and
/// a file cut at a chunk boundary is detected. Chunk i is sealed with AES-256-GCM under the file's key
/// (HKDF-SHA256 of the master key, salt = file id, info = <see cref="KeyInfo"/>) with associated data
/// header ‖ i (8 bytes) ‖ final flag (1 byte): a chunk moved, swapped, taken from another file or turned into the
/// final one does not authenticate. Nonces are random per chunk seal, so rewriting the final chunk on resume never
/// reuses one (2^32 chunk seals per file key keep the collision chance negligible).
/// </summary>
internal static class EncryptedFileFormat
{
    public const int HeaderSize = 40;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int ChunkOverhead = NonceSize + TagSize;
    public const byte Version = 1;
    public const int FileIdSize = 32;
    private const int AadSize = HeaderSize + 8 + 1;
    private const byte ChunkSizeLog2 = 16;

    /// <summary>The HKDF info string of a file key.</summary>
    public static ReadOnlySpan<byte> KeyInfo => "SftpKit encrypted file v1"u8;

    private static ReadOnlySpan<byte> Magic => "SKCR"u8;

    /// <summary>A new header with a random file id.</summary>
    public static byte[] NewHeader()
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        header[4] = Version;
        header[5] = ChunkSizeLog2;
        RandomNumberGenerator.Fill(header.AsSpan(8, FileIdSize));
        return header;
    }

    /// <summary>The chunk size a header declares; throws when the header is not one this version reads.</summary>
    public static int ReadChunkSize(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || !header[..4].SequenceEqual(Magic))
        {
            throw Corrupt();
        }
        if (header[4] != Version || header[6] != 0 || header[7] != 0)
        {
            throw new VfsException(VfsError.Failure, "Unsupported encrypted file version.");
        }
        if (header[5] != ChunkSizeLog2)
        {
            throw Corrupt();
        }
        return EncryptedFileSystemOptions.ChunkSize;
    }

    /// <summary>The file's AES-256-GCM key.</summary>
    public static byte[] DeriveFileKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> header)
    {
        var key = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, key, header.Slice(8, FileIdSize), KeyInfo);
        return key;
    }

    /// <summary>Stored size of a file holding <paramref name="plainSize"/> bytes.</summary>
    public static long StoredSize(long plainSize, int chunkSize)
    {
        long full = plainSize / chunkSize;
        long rest = plainSize % chunkSize;
        return HeaderSize + full * (chunkSize + ChunkOverhead) + rest + ChunkOverhead;
    }

    /// <summary>
    /// The plaintext size of a stored file, or false when no valid file has that stored size (it was cut or padded).
    /// </summary>
    public static bool TryGetPlainSize(long storedSize, int chunkSize, out long plainSize)
    {
        plainSize = 0;
        long body = storedSize - HeaderSize - ChunkOverhead;
        if (body < 0)
        {
            return false;
        }
        long full = body / (chunkSize + ChunkOverhead);
        long rest = body % (chunkSize + ChunkOverhead);
        if (rest >= chunkSize)
        {
            return false;
        }
        plainSize = full * chunkSize + rest;
        return true;
    }

    /// <summary>The plaintext size to report for a stored size: 0 for anything that is not a valid encrypted file.</summary>
    public static long ReportedSize(long storedSize, int chunkSize)
        => TryGetPlainSize(storedSize, chunkSize, out long size) ? size : 0;

    /// <summary>Where chunk <paramref name="index"/> starts in the stored file.</summary>
    public static long ChunkOffset(long index, int chunkSize) => HeaderSize + index * (chunkSize + ChunkOverhead);

    /// <summary>Seals one chunk into <paramref name="output"/> (plaintext length + <see cref="ChunkOverhead"/> bytes).</summary>
    public static void Seal(AesGcm aes, ReadOnlySpan<byte> header, long index, bool final, ReadOnlySpan<byte> plain, Span<byte> output)
    {
        Span<byte> aad = stackalloc byte[AadSize];
        WriteAad(aad, header, index, final);
        var nonce = output[..NonceSize];
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plain, output.Slice(NonceSize, plain.Length), output.Slice(NonceSize + plain.Length, TagSize), aad);
    }

    /// <summary>Opens one sealed chunk into <paramref name="plain"/>; a chunk that does not authenticate throws.</summary>
    public static void Open(AesGcm aes, ReadOnlySpan<byte> header, long index, bool final, ReadOnlySpan<byte> sealedChunk, Span<byte> plain)
    {
        int length = sealedChunk.Length - ChunkOverhead;
        if (length < 0 || plain.Length < length)
        {
            throw Corrupt();
        }
        Span<byte> aad = stackalloc byte[AadSize];
        WriteAad(aad, header, index, final);
        try
        {
            aes.Decrypt(sealedChunk[..NonceSize], sealedChunk.Slice(NonceSize, length), sealedChunk.Slice(NonceSize + length, TagSize),
                plain[..length], aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            plain[..length].Clear();
            throw Corrupt();
        }
    }

    /// <summary>The error for a file that fails its integrity checks (tampered, cut, or another key).</summary>
    public static VfsException Corrupt() => new(VfsError.Failure, "The encrypted file failed its integrity check.");

    private static void WriteAad(Span<byte> aad, ReadOnlySpan<byte> header, long index, bool final)
    {
        header[..HeaderSize].CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad.Slice(HeaderSize, 8), index);
        aad[HeaderSize + 8] = final ? (byte)1 : (byte)0;
    }
}
