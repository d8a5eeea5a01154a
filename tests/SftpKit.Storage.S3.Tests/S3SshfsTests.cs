using System.Security.Cryptography;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// sshfs mounting an S3-backed account of a server with the SFTP defaults (atomic uploads, which on S3 are multipart
/// uploads published at the last CLOSE): touch, cp then cmp through the mount (below, at and above the 5 MiB part
/// size), mv over an existing object and one file written through two handles, each checked byte for byte through the
/// mount and in the bucket.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3SshfsTests : IClassFixture<DefaultS3SftpServer>
{
    private readonly S3TestEnvironment _s3;
    private readonly DefaultS3SftpServer _server;

    public S3SshfsTests(S3TestEnvironment s3, DefaultS3SftpServer server)
    {
        _s3 = s3;
        _server = server;
    }

    [Fact]
    public async Task Sshfs_S3Account_TouchCopyRenameOverTwoHandles()
    {
        string user = "sshfs" + Guid.NewGuid().ToString("N")[..6];
        string prefix = S3TestEnvironment.NewPrefix("sshfs");
        await _server.AddAccountAsync(_s3, user, prefix);
        string local = _server.NewLocalDirectory();
        await using var mount = await SshfsMount.MountAsync(_server.Directory, user, _server.Port, _server.ClientKey, "/");
        await Task.Run(async () =>
        {
            await SshfsMount.RunAsync("touch", mount["touched.txt"]);
            Assert.Equal(0, new FileInfo(mount["touched.txt"]).Length);
            Assert.Empty(await mount.SettleAsync("touched.txt"));
            Assert.Empty(await _s3.GetAsync(prefix + "touched.txt"));

            foreach (int size in new[] { 1, 700_001, 3_000_017, (11 * 1024 * 1024) + 5 })
            {
                byte[] content = RandomNumberGenerator.GetBytes(size);
                await mount.CopyAndCompareAsync(local, $"copy-{size}.bin", content);
                Assert.Equal(content, await SshfsMount.WhenStoredAsync(() => _s3.TryGetAsync(prefix + $"copy-{size}.bin"), content));
            }

            byte[] moved = RandomNumberGenerator.GetBytes(1_234_567);
            await mount.RenameOverAsync(local, "a.bin", "b.bin", moved, RandomNumberGenerator.GetBytes(777_777));
            Assert.Equal(moved, await SshfsMount.WhenStoredAsync(() => _s3.TryGetAsync(prefix + "b.bin"), moved));

            byte[] twice = await mount.TwoHandlesAsync("two.bin", rewrite: false);
            Assert.Equal(twice, await SshfsMount.WhenStoredAsync(() => _s3.TryGetAsync(prefix + "two.bin"), twice));
        }).WaitAsync(TimeSpan.FromMinutes(4));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }
}
