using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.FileSystem.Encrypted;

namespace SftpKit.Tests.FileSystem;

/// <summary>
/// The file-system contract against encrypted storage over a local directory: the core operations and the capabilities
/// it passes through (links, space figures). Random-access and in-place writes, range copies and truncation to an
/// arbitrary size are not offered, so their tests skip; modes and times are checked in <see cref="EncryptedFileSystemTests"/>.
/// </summary>
public sealed class EncryptedFileSystemContractTests : FileSystemContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sftpkit-crypt-" + Guid.NewGuid().ToString("N"));

    protected override IReadOnlyCollection<Type> ExpectedCapabilities { get; } =
        [typeof(IVfsSymbolicLinks), typeof(IVfsHardLinks), typeof(IVfsSpaceInfo)];

    protected override bool KeepsAttributes => false;

    protected override IVirtualFileSystem CreateFileSystem()
        => new EncryptedFileSystem(new LocalFileSystem(new LocalFileSystemOptions { RootPath = _root }),
            new EncryptedFileSystemOptions { MasterKey = RandomNumberGenerator.GetBytes(32) });

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
