using Amazon.S3;

namespace SftpKit.Storage.S3;

/// <summary>The checksum algorithms <see cref="S3FileSystemOptions.ChecksumAlgorithm"/> accepts.</summary>
internal static class S3Checksums
{
    public static ChecksumAlgorithm? Parse(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        null or "" or "NONE" => null,
        "CRC32" => ChecksumAlgorithm.CRC32,
        "CRC32C" => ChecksumAlgorithm.CRC32C,
        "CRC64NVME" => ChecksumAlgorithm.CRC64NVME,
        "SHA1" => ChecksumAlgorithm.SHA1,
        "SHA256" => ChecksumAlgorithm.SHA256,
        _ => null,
    };
}
