using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SftpKit.Storage.AzureBlob;

namespace SftpKit.Tests.Storage.AzureBlob;

/// <summary>
/// The Azurite blob service scripts/test.sh started (<c>SFTPKIT_TEST_AZURITE_BLOB_ENDPOINT</c>, e.g.
/// <c>http://127.0.0.1:10000</c>) and one container for the run; each test works under a name prefix of its own.
/// Missing Azurite is a counted skip (a failure under CI).
/// </summary>
public sealed class AzuriteEnvironment : IAsyncLifetime
{
    public const string Variable = "SFTPKIT_TEST_AZURITE_BLOB_ENDPOINT";
    public const string ContainerName = "sftpkit-tests";

    public string? Endpoint { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } e ? e.TrimEnd('/') : null;

    public BlobContainerClient Container => _container ?? throw new InvalidOperationException("Azurite is not available.");

    private BlobContainerClient? _container;

    public async ValueTask InitializeAsync()
    {
        if (Endpoint is null)
        {
            return;
        }
        var service = new BlobServiceClient(new Uri($"{Endpoint}/{AzuriteProcess.AccountName}"),
            new StorageSharedKeyCredential(AzuriteProcess.AccountName, AzuriteProcess.AccountKey));
        _container = service.GetBlobContainerClient(ContainerName);
        await _container.CreateIfNotExistsAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Skips (or fails under CI) when no Azurite was started.</summary>
    public void Require() => Requires.That(Endpoint is not null, $"Azurite's blob service ({Variable})", AzuriteProcess.HowToGet);

    public static string NewPrefix(string name) => $"{name}-{Guid.NewGuid():N}/";

    /// <summary>Options for the run's container under <paramref name="prefix"/>, the SFTPGo-style emulator endpoint.</summary>
    public AzureBlobFileSystemOptions Options(string prefix, Action<AzureBlobFileSystemOptions>? configure = null)
    {
        Require();
        var options = new AzureBlobFileSystemOptions
        {
            Container = ContainerName,
            AccountName = AzuriteProcess.AccountName,
            AccountKey = AzuriteProcess.AccountKey,
            Endpoint = Endpoint,
            UseEmulator = true,
            KeyPrefix = prefix,
            UploadPartSizeMiB = 1,
            DownloadPartSizeMiB = 1,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>An account's storage settings for the run's container (JSON field names of the azblobconfig format).</summary>
    public Dictionary<string, string> Settings()
    {
        Require();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["container"] = ContainerName,
            ["account_name"] = AzuriteProcess.AccountName,
            ["account_key"] = AzuriteProcess.AccountKey,
            ["endpoint"] = Endpoint!,
            ["use_emulator"] = "true",
            ["upload_part_size"] = "1",
        };
    }

    /// <summary>The committed blob names under <paramref name="prefix"/>, relative to it, sorted.</summary>
    public async Task<List<string>> NamesAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            names.Add(blob.Name[prefix.Length..]);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public async Task<byte[]> GetAsync(string name) => (await Container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteEnvironment>
{
    public const string Name = "Azurite";
}
