using System.Security.Cryptography;
using SftpKit.FileSystem;
using SftpKit.Storage.S3;

namespace SftpKit.Tests.Storage.S3;

/// <summary>The file system against the real S3 API server, without SFTP in between.</summary>
[Collection(S3Collection.Name)]
public sealed class S3FileSystemTests
{
    private readonly S3TestEnvironment _s3;

    public S3FileSystemTests(S3TestEnvironment s3) => _s3 = s3;

    private (S3FileSystem Fs, string Prefix) NewFileSystem(Action<S3FileSystemOptions>? configure = null)
    {
        string prefix = S3TestEnvironment.NewPrefix("fs");
        var options = _s3.Options(prefix);
        configure?.Invoke(options);
        return (new S3FileSystem(options), prefix);
    }

    private static async Task WriteFileAsync(IVirtualFileSystem fs, string path, byte[] content, int chunk = 100_000)
    {
        await using var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions { Truncate = true }, CancellationToken.None);
        for (int i = 0; i < content.Length; i += chunk)
        {
            await writer.WriteAsync(content.AsMemory(i, Math.Min(chunk, content.Length - i)), CancellationToken.None);
        }
        await writer.CompleteAsync(CancellationToken.None);
    }

    private static async Task<byte[]> ReadFileAsync(IVirtualFileSystem fs, string path, int chunk = 255 * 1024)
    {
        await using var reader = await fs.OpenReadAsync(path, CancellationToken.None);
        var result = new MemoryStream();
        var buffer = new byte[chunk];
        for (long offset = 0; ;)
        {
            int n = await reader.ReadAsync(offset, buffer, CancellationToken.None);
            if (n == 0)
            {
                return result.ToArray();
            }
            result.Write(buffer, 0, n);
            offset += n;
        }
    }

    [Fact]
    public async Task Streams_MultipartUpload_AndReadsItBack_WithRandomReads()
    {
        var (fs, prefix) = NewFileSystem(o => o.UploadConcurrency = 3);
        byte[] content = RandomNumberGenerator.GetBytes(17 * 1024 * 1024 + 123);
        await WriteFileAsync(fs, "/big.bin", content);

        Assert.Equal(content, await _s3.GetAsync(prefix + "big.bin"));
        Assert.Equal(content, await ReadFileAsync(fs, "/big.bin"));
        await using var reader = await fs.OpenReadAsync("/big.bin", CancellationToken.None);
        var buffer = new byte[70_000];
        foreach (long offset in new long[] { 9_000_000, 123, 16 * 1024 * 1024, content.Length - 10 })
        {
            int n = await reader.ReadAsync(offset, buffer, CancellationToken.None);
            Assert.Equal((int)Math.Min(buffer.Length, content.Length - offset), n);
            Assert.Equal(content.AsSpan((int)offset, n).ToArray(), buffer.AsSpan(0, n).ToArray());
        }
        Assert.Equal(0, await reader.ReadAsync(content.Length, buffer, CancellationToken.None));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }

    [Fact]
    public async Task SmallFile_IsOnePutObject_AndEmptyFileWorks()
    {
        var (fs, prefix) = NewFileSystem();
        await WriteFileAsync(fs, "/small.txt", "hello"u8.ToArray());
        await WriteFileAsync(fs, "/empty", []);
        Assert.Equal("hello"u8.ToArray(), await _s3.GetAsync(prefix + "small.txt"));
        Assert.Equal(0, (await fs.GetInfoAsync("/empty", true, CancellationToken.None)).Size);
        Assert.Empty(await ReadFileAsync(fs, "/empty"));
    }

    [Fact]
    public async Task DisposeWithoutComplete_LeavesNoObject_AndNoPendingUpload()
    {
        var (fs, prefix) = NewFileSystem();
        var writer = await fs.OpenWriteAsync("/partial.bin", new VfsWriteOptions(), CancellationToken.None);
        await writer.WriteAsync(RandomNumberGenerator.GetBytes(12 * 1024 * 1024), CancellationToken.None);
        Assert.NotEmpty(await _s3.PendingUploadsAsync(prefix));
        await writer.DisposeAsync();

        Assert.Empty(await _s3.ListAllAsync(prefix));
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }

    [Fact]
    public async Task Directories_AreMarkersOrPrefixes()
    {
        var (fs, prefix) = NewFileSystem();
        await fs.CreateDirectoryAsync("/d", CancellationToken.None);
        Assert.Equal(VfsFileType.Directory, (await fs.GetInfoAsync("/d", true, CancellationToken.None)).Type);
        Assert.Empty(await fs.ListAsync("/d", CancellationToken.None).ToListAsync());
        var missingParent = await Assert.ThrowsAsync<VfsException>(() => fs.CreateDirectoryAsync("/x/y", CancellationToken.None).AsTask());
        Assert.Equal(VfsError.NotFound, missingParent.Error);

        // A directory that exists only as the prefix of an object (no marker).
        await _s3.PutAsync(prefix + "implicit/file.txt", "x"u8.ToArray());
        Assert.Equal(VfsFileType.Directory, (await fs.GetInfoAsync("/implicit", true, CancellationToken.None)).Type);
        var root = await fs.ListAsync("/", CancellationToken.None).ToListAsync();
        Assert.Equal(["d", "implicit"], root.Select(e => e.Name).Order().ToArray());
        Assert.All(root, e => Assert.Equal(VfsFileType.Directory, e.Type));

        await WriteFileAsync(fs, "/d/f", "1"u8.ToArray());
        var notEmpty = await Assert.ThrowsAsync<VfsException>(() => fs.DeleteDirectoryAsync("/d", CancellationToken.None).AsTask());
        Assert.Equal(VfsError.DirectoryNotEmpty, notEmpty.Error);
        await fs.DeleteFileAsync("/d/f", CancellationToken.None);
        await fs.DeleteDirectoryAsync("/d", CancellationToken.None);
        var gone = await Assert.ThrowsAsync<VfsException>(() => fs.GetInfoAsync("/d", true, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.NotFound, gone.Error);
    }

    [Fact]
    public async Task Setstat_FailsOrIsIgnored_PerMode()
    {
        var (strict, _) = NewFileSystem();
        await WriteFileAsync(strict, "/f", "abc"u8.ToArray());
        var chmod = await Assert.ThrowsAsync<VfsException>(() => strict.SetInfoAsync("/f", new VfsAttributeChange { Permissions = 0x1FF }, true, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.Unsupported, chmod.Error);
        await strict.SetInfoAsync("/f", new VfsAttributeChange { Size = 0 }, true, CancellationToken.None);
        Assert.Equal(0, (await strict.GetInfoAsync("/f", true, CancellationToken.None)).Size);

        var (lenient, _) = NewFileSystem(o => o.SetstatMode = S3SetstatMode.Ignore);
        await WriteFileAsync(lenient, "/f", "abc"u8.ToArray());
        await lenient.SetInfoAsync("/f", new VfsAttributeChange { Permissions = 0x1FF, Times = (DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch), Size = 1 }, true, CancellationToken.None);
        Assert.Equal(3, (await lenient.GetInfoAsync("/f", true, CancellationToken.None)).Size);
        var missing = await Assert.ThrowsAsync<VfsException>(() => lenient.SetInfoAsync("/nope", new VfsAttributeChange { Permissions = 1 }, true, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.NotFound, missing.Error);
    }

    [Fact]
    public async Task Resume_CopiesTheExistingPrefixServerSide()
    {
        var (fs, prefix) = NewFileSystem();
        byte[] content = RandomNumberGenerator.GetBytes(13 * 1024 * 1024);
        const int firstPart = 6 * 1024 * 1024;
        await WriteFileAsync(fs, "/r.bin", content.AsSpan(0, firstPart).ToArray());
        await using (var writer = await fs.OpenWriteAsync("/r.bin", new VfsWriteOptions { Offset = firstPart }, CancellationToken.None))
        {
            Assert.Equal(firstPart, writer.Position);
            await writer.WriteAsync(content.AsMemory(firstPart), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(content, await _s3.GetAsync(prefix + "r.bin"));
        Assert.True(_s3.PartCopies(prefix) is null or 1, $"part copies: {_s3.PartCopies(prefix)}");

        // A service without UploadPartCopy (501): the existing bytes are read back through the part buffer instead.
        string noCopy = "/" + S3rverCompatibilityHttpClientFactory.NoPartCopyMarker + ".bin";
        if (!_s3.IsRealService)
        {
            await WriteFileAsync(fs, noCopy, content.AsSpan(0, firstPart).ToArray());
            await using (var writer = await fs.OpenWriteAsync(noCopy, new VfsWriteOptions { Offset = firstPart }, CancellationToken.None))
            {
                await writer.WriteAsync(content.AsMemory(firstPart), CancellationToken.None);
                await writer.CompleteAsync(CancellationToken.None);
            }
            Assert.Equal(content, await _s3.GetAsync(prefix + noCopy[1..]));
            Assert.Equal(1, _s3.PartCopies(prefix));
            Assert.Empty(await _s3.PendingUploadsAsync(prefix));
        }

        // Under 5 MiB the existing bytes are read back instead.
        await WriteFileAsync(fs, "/s.bin", content.AsSpan(0, 1000).ToArray());
        await using (var writer = await fs.OpenWriteAsync("/s.bin", new VfsWriteOptions { Offset = 1000 }, CancellationToken.None))
        {
            await writer.WriteAsync(content.AsMemory(1000, 2000), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(content.AsSpan(0, 3000).ToArray(), await _s3.GetAsync(prefix + "s.bin"));
    }

    [Fact]
    public async Task LargeObjects_AreCopiedAndResumedInParts()
    {
        // The 5 GiB single-copy limit, lowered to 10 MiB (parts of 5 MiB), so a 23 MiB object takes the multipart path.
        string prefix = S3TestEnvironment.NewPrefix("fs");
        var fs = new S3FileSystem(_s3.Options(prefix)) { MaxSingleCopyBytes = 10L << 20, CopyPartBytes = 5L << 20 };
        byte[] content = RandomNumberGenerator.GetBytes((23 << 20) + 12345);
        await WriteFileAsync(fs, "/big.bin", content);

        await fs.RenameAsync("/big.bin", "/moved.bin", overwrite: false, CancellationToken.None);
        Assert.Equal(content, await _s3.GetAsync(prefix + "moved.bin"));
        Assert.Equal(["moved.bin"], (await _s3.ListAllAsync(prefix)).Select(o => o.Key[(_s3.RunPrefix + prefix).Length..]).ToArray());
        Assert.True(_s3.PartCopies(prefix) is null or 5, $"part copies: {_s3.PartCopies(prefix)}"); // 5+5+5+5+3.x MiB

        // Resuming after 23 MiB copies the existing bytes as 10 + 8 + 5 MiB parts (no copied part under 5 MiB but
        // the last one may not be), then streams the rest.
        byte[] tail = RandomNumberGenerator.GetBytes(1 << 20);
        await using (var writer = await fs.OpenWriteAsync("/moved.bin", new VfsWriteOptions { Offset = content.Length }, CancellationToken.None))
        {
            Assert.Equal(content.Length, writer.Position);
            await writer.WriteAsync(tail, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        byte[] expected = [.. content, .. tail];
        Assert.Equal(expected, await _s3.GetAsync(prefix + "moved.bin"));
        Assert.True(_s3.PartCopies(prefix) is null or 8, $"part copies: {_s3.PartCopies(prefix)}");
        Assert.Empty(await _s3.PendingUploadsAsync(prefix));
    }

    [Fact]
    public async Task Rename_FilesAndSmallDirectories_RefusesLargeOnes()
    {
        var (fs, prefix) = NewFileSystem(o => o.MaxRenameObjects = 3);
        await fs.CreateDirectoryAsync("/a", CancellationToken.None);
        await WriteFileAsync(fs, "/a/1", "one"u8.ToArray());
        await WriteFileAsync(fs, "/a/2", "two"u8.ToArray());
        await fs.RenameAsync("/a/1", "/a/one", overwrite: false, CancellationToken.None);
        await fs.RenameAsync("/a", "/b", overwrite: false, CancellationToken.None);
        Assert.Equal(["b/", "b/2", "b/one"], (await _s3.ListAllAsync(prefix)).Select(o => o.Key[(_s3.RunPrefix + prefix).Length..]).Order().ToArray());

        await fs.CreateDirectoryAsync("/big", CancellationToken.None);
        for (int i = 0; i < 4; i++)
        {
            await WriteFileAsync(fs, $"/big/{i}", [(byte)i]);
        }
        var refused = await Assert.ThrowsAsync<VfsException>(() => fs.RenameAsync("/big", "/big2", false, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.Unsupported, refused.Error);
        Assert.Equal(5, (await _s3.ListAllAsync(prefix + "big/")).Count);
        Assert.Empty(await _s3.ListAllAsync(prefix + "big2/"));

        var exists = await Assert.ThrowsAsync<VfsException>(() => fs.RenameAsync("/b/2", "/b/one", false, CancellationToken.None).AsTask());
        Assert.Equal(VfsError.AlreadyExists, exists.Error);
        await fs.RenameAsync("/b/2", "/b/one", overwrite: true, CancellationToken.None);
        Assert.Equal("two"u8.ToArray(), await _s3.GetAsync(prefix + "b/one"));
    }
}
