using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// The <c>azureblob</c> storage provider: an account's (or virtual folder's) <see cref="SftpFileSystemConfig.Settings"/>
/// override the defaults bound from <c>SftpKit:AzureBlob</c> (see <see cref="AzureBlobSettings"/> for the names);
/// <see cref="SftpFileSystemConfig.Root"/> is a name prefix appended to <see cref="AzureBlobFileSystemOptions.KeyPrefix"/>.
/// Container clients are shared between accounts with the same connection settings.
/// </summary>
internal sealed class AzureBlobStorageProvider : ISftpStorageProvider
{
    private readonly IOptionsMonitor<AzureBlobFileSystemOptions> _defaults;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<string, Lazy<BlobContainerClient>> _clients = new(StringComparer.Ordinal);

    public AzureBlobStorageProvider(IOptionsMonitor<AzureBlobFileSystemOptions> defaults, ILoggerFactory loggers)
    {
        _defaults = defaults;
        _loggers = loggers;
    }

    public string Name => "azureblob";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = AzureBlobSettings.ResolveChecked(_defaults.CurrentValue, config);
        var client = _clients.GetOrAdd(Fingerprint(options), _ => new Lazy<BlobContainerClient>(() => AzureBlobClientFactory.Create(options))).Value;
        var logger = _loggers.CreateLogger<AzureBlobFileSystem>();
        return ValueTask.FromResult<IVirtualFileSystem>(new AzureBlobFileSystem(options, client, config.Root, logger));
    }

    /// <summary>A hash of everything the client depends on (secrets included, hashed, never kept as text).</summary>
    private static string Fingerprint(AzureBlobFileSystemOptions o)
    {
        string text = string.Join('\n', o.Container, o.AccountName, o.AccountKey, o.SasUrl, o.ConnectionString, o.Endpoint, o.UseEmulator, o.SkipTlsVerify);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
