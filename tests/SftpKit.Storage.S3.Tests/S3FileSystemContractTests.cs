using SftpKit.FileSystem;
using SftpKit.Storage.S3;
using SftpKit.Tests.FileSystem;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// The file-system contract of SftpKit.Core.Tests against S3, each run in a key prefix of its own: the core operations,
/// and the capabilities S3 has (space figures, whole-object server-side copy, the existence probe). Links,
/// random-access and in-place writes and stored attributes are skipped, as S3 has none.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3FileSystemContractTests(S3TestEnvironment s3) : FileSystemContractTests
{
    private S3FileSystem? _fs;

    protected override IReadOnlyCollection<Type> ExpectedCapabilities { get; } = [typeof(IVfsSpaceInfo), typeof(IVfsServerSideCopy)];

    protected override bool KeepsAttributes => false;

    protected override VfsError StatUnderFile => VfsError.NotFound;

    protected override IVirtualFileSystem CreateFileSystem()
        => _fs = new S3FileSystem(s3.Options(S3TestEnvironment.NewPrefix("contract")));

    public override ValueTask DisposeAsync()
    {
        _fs?.Dispose();
        return base.DisposeAsync();
    }

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
