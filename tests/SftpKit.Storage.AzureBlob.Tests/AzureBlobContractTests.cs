using SftpKit.FileSystem;
using SftpKit.Storage.AzureBlob;
using SftpKit.Tests.FileSystem;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>
/// The file-system contract of SftpKit.Core.Tests against Azurite, each run under a name prefix of its own: the core
/// operations, and the capabilities blob storage has (space figures, whole-blob server-side copy, the existence probe).
/// Links, random-access and in-place writes and stored attributes are skipped, as blob storage has none.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobContractTests(AzuriteEnvironment azurite) : FileSystemContractTests
{
    protected override IReadOnlyCollection<Type> ExpectedCapabilities { get; } = [typeof(IVfsSpaceInfo), typeof(IVfsServerSideCopy)];

    protected override bool KeepsAttributes => false;

    protected override VfsError StatUnderFile => VfsError.NotFound;

    public override ValueTask InitializeAsync()
    {
        azurite.Require();
        return base.InitializeAsync();
    }

    protected override IVirtualFileSystem CreateFileSystem() => new AzureBlobFileSystem(azurite.Options(AzuriteEnvironment.NewPrefix("contract")));

    [Fact]
    public async Task Probe_Answers_Missing_Without_Throwing()
    {
        var probe = Fs.GetCapability<IVfsInfoProbe>()!;
        await WriteAsync("/f", "x");
        await Fs.CreateDirectoryAsync("/d", Ct);
        Assert.Null(await probe.TryGetInfoAsync("/missing", true, Ct));
        Assert.Equal(1, (await probe.TryGetInfoAsync("/f", true, Ct))!.Size);
        Assert.Equal(VfsFileType.Directory, (await probe.TryGetInfoAsync("/d", true, Ct))!.Type);
        Assert.Equal(VfsFileType.Directory, (await probe.TryGetInfoAsync("/", true, Ct))!.Type);
    }
}
