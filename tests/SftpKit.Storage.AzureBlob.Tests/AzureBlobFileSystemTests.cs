using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using SftpKit.Accounts;
using SftpKit.FileSystem;
using SftpKit.Storage.AzureBlob;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>Azure Blob specifics against Azurite: block uploads committed at close, resume, read-ahead, credentials, settings.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobFileSystemTests(AzuriteEnvironment azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<byte[]> ReadAllAsync(IVirtualFileSystem fs, string path, int chunk = 32 * 1024)
    {
        await using var reader = await fs.OpenReadAsync(path, Ct);
        using var result = new MemoryStream();
        var buffer = new byte[chunk];
        long offset = 0;
        while (await reader.ReadAsync(offset, buffer, Ct) is var n and > 0)
        {
            result.Write(buffer, 0, n);
            offset += n;
        }
        return result.ToArray();
    }

    private static async Task WriteInChunksAsync(IVfsWriter writer, byte[] content, int chunk = 32 * 1024)
    {
        for (int i = 0; i < content.Length; i += chunk)
        {
            await writer.WriteAsync(content.AsMemory(i, Math.Min(chunk, content.Length - i)), Ct);
        }
    }

    [Fact]
    public async Task MultiBlockUpload_IsInvisibleUntilCommitted_ThenReadsBackWithReadAhead()
    {
        string prefix = AzuriteEnvironment.NewPrefix("blocks");
        var fs = new AzureBlobFileSystem(azurite.Options(prefix, o => o.UploadConcurrency = 2));
        byte[] content = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 12345);
        await using (var writer = await fs.OpenWriteAsync("/big.bin", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await WriteInChunksAsync(writer, content);
            // Five full blocks were staged: nothing is committed yet.
            Assert.Empty(await azurite.NamesAsync(prefix));
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal(["big.bin"], await azurite.NamesAsync(prefix));
        var blocks = (await azurite.Container.GetBlockBlobClient(prefix + "big.bin").GetBlockListAsync(BlockListTypes.Committed, cancellationToken: Ct)).Value;
        Assert.Equal(6, blocks.CommittedBlocks.Count());
        Assert.Equal(content, await ReadAllAsync(fs, "/big.bin"));
        Assert.Equal(content, await azurite.GetAsync(prefix + "big.bin"));
    }

    [Fact]
    public async Task AbandonedUpload_CommitsNothing_AndKeepsThePreviousVersion()
    {
        string prefix = AzuriteEnvironment.NewPrefix("abandon");
        var fs = new AzureBlobFileSystem(azurite.Options(prefix));
        await using (var writer = await fs.OpenWriteAsync("/f.bin", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await writer.WriteAsync("old"u8.ToArray(), Ct);
            await writer.CompleteAsync(Ct);
        }
        await using (var writer = await fs.OpenWriteAsync("/f.bin", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await WriteInChunksAsync(writer, RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        }
        await using (var writer = await fs.OpenWriteAsync("/new.bin", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await WriteInChunksAsync(writer, RandomNumberGenerator.GetBytes(3 * 1024 * 1024));
        }
        Assert.Equal(["f.bin"], await azurite.NamesAsync(prefix));
        Assert.Equal("old"u8.ToArray(), await azurite.GetAsync(prefix + "f.bin"));
    }

    [Fact]
    public async Task Resume_ReusesCommittedBlocks_AndReadsBackTheRest()
    {
        string prefix = AzuriteEnvironment.NewPrefix("resume");
        var fs = new AzureBlobFileSystem(azurite.Options(prefix, o => o.KeepPartialUploads = true));
        byte[] content = RandomNumberGenerator.GetBytes(4 * 1024 * 1024 + 777);
        int cut = 2 * 1024 * 1024 + 300;
        // The first attempt is interrupted after `cut` bytes; with KeepPartialUploads they are committed.
        await using (var writer = await fs.OpenWriteAsync("/r.bin", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await WriteInChunksAsync(writer, content[..cut]);
        }
        Assert.Equal(cut, (await fs.GetInfoAsync("/r.bin", false, Ct)).Size);
        // Resume at a block boundary inside the committed part (two whole blocks reused) and past it (bytes read back).
        foreach (long offset in new long[] { 2 * 1024 * 1024, cut })
        {
            await using var writer = await fs.OpenWriteAsync("/r.bin", new VfsWriteOptions { Offset = offset }, Ct);
            Assert.Equal(offset, ((AzureBlobWriter)writer).Position);
            await WriteInChunksAsync(writer, content[(int)offset..]);
            await writer.CompleteAsync(Ct);
            Assert.Equal(content, await azurite.GetAsync(prefix + "r.bin"));
        }
    }

    [Fact]
    public async Task RandomReads_FetchExactRanges()
    {
        string prefix = AzuriteEnvironment.NewPrefix("random");
        var fs = new AzureBlobFileSystem(azurite.Options(prefix));
        byte[] content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        await azurite.Container.GetBlobClient(prefix + "r.bin").UploadAsync(new BinaryData(content), Ct);
        await using var reader = await fs.OpenReadAsync("/r.bin", Ct);
        var buffer = new byte[1000];
        foreach (long offset in new long[] { 2_500_000, 10, 1_048_570, 3 * 1024 * 1024 - 10 })
        {
            int n = await reader.ReadAsync(offset, buffer, Ct);
            Assert.Equal(Math.Min(1000, content.Length - offset), n);
            Assert.Equal(content.AsSpan((int)offset, n).ToArray(), buffer[..n]);
        }
    }

    [Fact]
    public async Task SasUrl_And_ConnectionString_Credentials_Work()
    {
        azurite.Require();
        string prefix = AzuriteEnvironment.NewPrefix("creds");
        var sas = azurite.Container.GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1));
        var viaSas = new AzureBlobFileSystem(new AzureBlobFileSystemOptions { SasUrl = sas.ToString(), KeyPrefix = prefix });
        await using (var writer = await viaSas.OpenWriteAsync("/s.txt", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await writer.WriteAsync("sas"u8.ToArray(), Ct);
            await writer.CompleteAsync(Ct);
        }
        await viaSas.RenameAsync("/s.txt", "/t.txt", overwrite: false, Ct);
        string connection = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.AccountName};AccountKey={AzuriteProcess.AccountKey};BlobEndpoint={azurite.Endpoint}/{AzuriteProcess.AccountName};";
        var viaConnection = new AzureBlobFileSystem(new AzureBlobFileSystemOptions { ConnectionString = connection, Container = AzuriteEnvironment.ContainerName, KeyPrefix = prefix });
        Assert.Equal("sas"u8.ToArray(), await ReadAllAsync(viaConnection, "/t.txt"));
        Assert.Equal(["t.txt"], await azurite.NamesAsync(prefix));
    }

    [Fact]
    public async Task AccessTier_IsApplied()
    {
        string prefix = AzuriteEnvironment.NewPrefix("tier");
        var fs = new AzureBlobFileSystem(azurite.Options(prefix, o => o.AccessTier = "cool"));
        await using (var writer = await fs.OpenWriteAsync("/c.txt", new VfsWriteOptions { Truncate = true }, Ct))
        {
            await writer.WriteAsync("cool"u8.ToArray(), Ct);
            await writer.CompleteAsync(Ct);
        }
        var properties = await azurite.Container.GetBlobClient(prefix + "c.txt").GetPropertiesAsync(cancellationToken: Ct);
        Assert.Equal(AccessTier.Cool, properties.Value.AccessTier);
    }

    [Fact]
    public void Settings_AcceptPropertyNames_AndTheJsonFieldNames()
    {
        var defaults = new AzureBlobFileSystemOptions { UploadConcurrency = 3 };
        var options = AzureBlobSettings.Resolve(defaults, new Dictionary<string, string>
        {
            ["container"] = "c", ["account_name"] = "acct", ["account_key"] = "a2V5", ["endpoint"] = "http://127.0.0.1:10000",
            ["use_emulator"] = "true", ["upload_part_size"] = "8", ["upload_concurrency"] = "0", ["download_part_size"] = "0",
            ["access_tier"] = "Cool", ["MaxRenameObjects"] = "7", ["SetstatMode"] = "ignore",
        });
        Assert.Equal("c", options.Container);
        Assert.Equal(8, options.UploadPartSizeMiB);
        Assert.Equal(3, options.UploadConcurrency); // 0 in the JSON format means "the default"
        Assert.Equal(5, options.DownloadPartSizeMiB);
        Assert.Equal(7, options.MaxRenameObjects);
        Assert.Equal(AzureBlobSetstatMode.Ignore, options.SetstatMode);
        Assert.Equal(new Uri("http://127.0.0.1:10000/acct"), AzureBlobClientFactory.ServiceUri(options));
        Assert.Empty(AzureBlobFileSystemOptionsValidator.Errors(options));
        Assert.Equal(new Uri("https://acct.blob.core.chinacloudapi.cn"),
            AzureBlobClientFactory.ServiceUri(new AzureBlobFileSystemOptions { AccountName = "acct", Endpoint = "blob.core.chinacloudapi.cn" }));
        Assert.Throws<InvalidOperationException>(() => AzureBlobSettings.Resolve(defaults, new Dictionary<string, string> { ["Bucket"] = "x" }));
        Assert.DoesNotContain("a2V5", options.ToString(), StringComparison.Ordinal);
        Assert.True(SftpAccountSecrets.IsSecret("account_key") && SftpAccountSecrets.IsSecret("SasUrl") && SftpAccountSecrets.IsSecret("ConnectionString"));
    }

    [Fact]
    public void Validator_NamesEveryProblem()
    {
        var errors = AzureBlobFileSystemOptionsValidator.Errors(new AzureBlobFileSystemOptions
        {
            AccountKey = "not base64!", UploadPartSizeMiB = 0, DownloadPartSizeMiB = 2001, UploadConcurrency = 65, DownloadConcurrency = -1,
            AccessTier = "Frozen", MaxRenameObjects = -1, SasUrl = "ftp://x",
        }).ToList();
        Assert.Contains(errors, e => e.Contains("not several", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("AccountName is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("AccountKey must be base64", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Container is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("UploadPartSizeMiB", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DownloadPartSizeMiB", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("UploadConcurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DownloadConcurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("AccessTier", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxRenameObjects", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SasUrl must be", StringComparison.Ordinal));
        Assert.Contains("needs credentials", Assert.Single(AzureBlobFileSystemOptionsValidator.Errors(new AzureBlobFileSystemOptions { Container = "c" })), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new AzureBlobFileSystem(new AzureBlobFileSystemOptions()));
    }
}
