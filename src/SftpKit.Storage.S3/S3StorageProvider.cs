using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Storage.S3;

/// <summary>
/// The <c>s3</c> storage provider: an account's (or virtual folder's) <see cref="SftpFileSystemConfig.Settings"/>
/// override the defaults bound from <c>SftpKit:S3</c>, by <see cref="S3FileSystemOptions"/> property name
/// (case-insensitive); <see cref="SftpFileSystemConfig.Root"/> is a key prefix appended to
/// <see cref="S3FileSystemOptions.KeyPrefix"/>. SDK clients are shared between accounts with the same connection
/// settings.
/// </summary>
internal sealed class S3StorageProvider : ISftpStorageProvider, IDisposable
{
    private readonly IOptionsMonitor<S3FileSystemOptions> _defaults;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<string, Lazy<AmazonS3Client>> _clients = new(StringComparer.Ordinal);

    public S3StorageProvider(IOptionsMonitor<S3FileSystemOptions> defaults, ILoggerFactory loggers)
    {
        _defaults = defaults;
        _loggers = loggers;
    }

    public string Name => "s3";

    public ValueTask<IVirtualFileSystem> CreateAsync(SftpFileSystemConfig config, SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var options = Resolve(_defaults.CurrentValue, config.Settings);
        var errors = S3FileSystemOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The account's S3 storage is misconfigured: " + string.Join(" ", errors));
        }
        var client = _clients.GetOrAdd(Fingerprint(options), _ => new Lazy<AmazonS3Client>(() => S3ClientFactory.Create(options))).Value;
        var logger = _loggers.CreateLogger<S3FileSystem>();
        return ValueTask.FromResult<IVirtualFileSystem>(new S3FileSystem(options, client, config.Root, logger, ownsClient: false));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    /// <summary>A copy of <paramref name="defaults"/> with <paramref name="settings"/> bound over it.</summary>
    internal static S3FileSystemOptions Resolve(S3FileSystemOptions defaults, IDictionary<string, string> settings)
    {
        var options = defaults.Clone();
        if (settings.Count > 0)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
                .Build();
            configuration.Bind(options);
        }
        return options;
    }

    /// <summary>A hash of everything the SDK client depends on (secrets included, hashed, never kept as text).</summary>
    private static string Fingerprint(S3FileSystemOptions o)
    {
        string text = string.Join('\n', o.Region, o.Endpoint, o.AccessKeyId, o.SecretAccessKey, o.SessionToken, o.RoleArn,
            o.ForcePathStyle, o.SkipTlsVerify, o.ChecksumAlgorithm, o.HttpClientFactory?.GetHashCode());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
