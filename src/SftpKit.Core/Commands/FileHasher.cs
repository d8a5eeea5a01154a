using System.Buffers;
using System.Security.Cryptography;
using SftpKit.FileSystem;

namespace SftpKit.Commands;

/// <summary>Hashes a file of the virtual file system, or a stream, the way md5sum and friends do.</summary>
internal static class FileHasher
{
    private const int ChunkSize = 64 * 1024;

    public static HashAlgorithmName? AlgorithmFor(string command) => command switch
    {
        "md5sum" => HashAlgorithmName.MD5,
        "sha1sum" => HashAlgorithmName.SHA1,
        "sha256sum" => HashAlgorithmName.SHA256,
        "sha384sum" => HashAlgorithmName.SHA384,
        "sha512sum" => HashAlgorithmName.SHA512,
        _ => null,
    };

    public static async Task<byte[]> HashFileAsync(IVirtualFileSystem fs, string path, HashAlgorithmName algorithm, CancellationToken ct)
    {
        var info = await fs.GetInfoAsync(path, followLinks: true, ct).ConfigureAwait(false);
        if (info.Type == VfsFileType.Directory)
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        using var hash = IncrementalHash.CreateHash(algorithm);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var reader = await fs.OpenReadAsync(path, ct).ConfigureAwait(false);
            long offset = 0;
            int read;
            while ((read = await reader.ReadAsync(offset, buffer.AsMemory(0, ChunkSize), ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.GetHashAndReset();
    }

    public static async Task<byte[]> HashStreamAsync(Stream input, HashAlgorithmName algorithm, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(algorithm);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, ChunkSize), ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>One GNU coreutils output line: <c>HEX  NAME</c>, with a leading backslash when the name is escaped.</summary>
    public static string FormatLine(byte[] digest, string name)
    {
        string hex = Convert.ToHexStringLower(digest);
        if (name.Contains('\\', StringComparison.Ordinal) || name.Contains('\n', StringComparison.Ordinal) || name.Contains('\r', StringComparison.Ordinal))
        {
            string escaped = name.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("\n", "\\n", StringComparison.Ordinal)
                .Replace("\r", "\\r", StringComparison.Ordinal);
            return "\\" + hex + "  " + escaped + "\n";
        }
        return hex + "  " + name + "\n";
    }
}
