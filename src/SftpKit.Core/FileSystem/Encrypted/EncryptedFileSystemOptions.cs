namespace SftpKit.FileSystem.Encrypted;

/// <summary>Settings of an <see cref="EncryptedFileSystem"/>.</summary>
public sealed class EncryptedFileSystemOptions
{
    /// <summary>Plaintext bytes per authenticated chunk: 64 KiB (fixed by format version 1; each chunk costs 28 bytes on disk).</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>
    /// The 32-byte master key every file key is derived from (HKDF-SHA256 with the file's random id). Required. Keep it
    /// with the secret protector: the <c>crypt</c> storage derives it from the account's protected <c>passphrase</c>.
    /// </summary>
    public byte[] MasterKey { get; set; } = [];

    internal void Validate()
    {
        if (MasterKey is not { Length: 32 })
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(MasterKey));
        }
    }
}
