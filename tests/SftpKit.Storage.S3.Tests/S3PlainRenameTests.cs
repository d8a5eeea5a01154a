using System.Security.Cryptography;

namespace SftpKit.Tests.Storage.S3;

/// <summary>
/// Renames through the SFTP layer on an S3 account with nothing between SftpKit and the S3 server: the SDK's
/// URL-encoded <c>x-amz-copy-source</c> goes out as written (s3rver 3.7.1 cannot take it; fauxqs and S3 decode it).
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3PlainRenameTests : IClassFixture<PlainHttpS3SftpServer>
{
    private readonly S3TestEnvironment _s3;
    private readonly PlainHttpS3SftpServer _server;

    public S3PlainRenameTests(S3TestEnvironment s3, PlainHttpS3SftpServer server)
    {
        _s3 = s3;
        _server = server;
    }

    [Fact]
    public async Task Rename_WithTheSdksEncodedCopySource_MovesFilesDirectoriesAndMultipartObjects()
    {
        Requires.That(!S3TestEnvironment.IsS3rver, "an S3 server that decodes x-amz-copy-source (fauxqs)", FauxqsProcess.HowToGet);
        string user = "plain" + Guid.NewGuid().ToString("N")[..6];
        string prefix = S3TestEnvironment.NewPrefix("plain");
        await _server.AddAccountAsync(_s3, user, prefix);
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "f"), "content");
        byte[] big = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 17); // > 5 MiB: renamed by UploadPartCopy
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), big);

        var result = await _server.SftpBatchAsync(user, local,
            "mkdir \"dir one\"", "put f \"dir one/a b.txt\"", "rename \"dir one/a b.txt\" \"dir one/c+d%.txt\"", "rename \"dir one\" two",
            "put big.bin big.bin", "rename big.bin two/moved.bin", "get two/c+d%.txt back", "get two/moved.bin big-back.bin");
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);

        Assert.Equal("content", await File.ReadAllTextAsync(Path.Combine(local, "back")));
        Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(local, "big-back.bin")));
        var keys = (await _s3.ListAllAsync(prefix)).Select(o => o.Key[(_s3.RunPrefix + prefix).Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["two/", "two/c+d%.txt", "two/moved.bin"], keys);
        Assert.Equal(big, await _s3.GetAsync(prefix + "two/moved.bin"));
    }
}
