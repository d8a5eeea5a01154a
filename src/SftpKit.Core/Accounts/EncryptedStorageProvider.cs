using System.Security.Cryptography;
using System.Text;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Encrypted;

namespace SftpKit.Accounts;

/// <summary>
/// <c>crypt</c>: a local directory (the same settings as <c>local</c>: <see cref="SftpFileSystemConfig.Root"/>, else the
/// home directory, and <c>umask</c>) whose file contents are encrypted at rest by an <see cref="EncryptedFileSystem"/>.
/// Setting <c>passphrase</c> (required, at least <see cref="MinPassphraseLength"/> characters; a secret, so account
/// stores keep it protected by the secret protector) gives the master key: HKDF-SHA256 of its UTF-8 bytes with the salt
/// <c>SftpKit crypt storage v1</c>. HKDF does not stretch a weak passphrase: use a random one (32+ characters).
/// Changing the passphrase makes existing files unreadable.
/// </summary>
internal sealed class EncryptedStorageProvider : ISftpStorageProvider
{
    /// <summary>Shortest passphrase accepted: 16 characters.</summary>
    public const int MinPassphraseLength = 16;

    /// <summary>The setting holding the passphrase.</summary>
    public const string PassphraseSetting = "passphrase";

    private readonly bool _createHomeDirectories;
    private readonly uint _umask;

    public EncryptedStorageProvider(bool createHomeDirectories, uint umask = 0x12)
    {
        _createHomeDirectories = createHomeDirectories;
        _umask = umask;
    }

    public string Name => "crypt";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Settings.TryGetValue(PassphraseSetting, out string? passphrase) || passphrase is null
            || passphrase.Length < MinPassphraseLength)
        {
            throw new InvalidOperationException($"The crypt storage needs a '{PassphraseSetting}' of at least {MinPassphraseLength} characters.");
        }
        var local = LocalStorageProvider.CreateLocal(config, account, _createHomeDirectories, _umask);
        byte[] masterKey = DeriveMasterKey(passphrase);
        try
        {
            return ValueTask.FromResult<IVirtualFileSystem>(new EncryptedFileSystem(local, new EncryptedFileSystemOptions { MasterKey = masterKey }));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    /// <summary>The master key of a passphrase.</summary>
    internal static byte[] DeriveMasterKey(string passphrase)
    {
        byte[] secret = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, "SftpKit crypt storage v1"u8.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
