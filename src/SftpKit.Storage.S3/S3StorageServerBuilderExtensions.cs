using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Storage.S3;

namespace SftpKit;

/// <summary>Registration of the <c>s3</c> storage provider.</summary>
public static class S3StorageServerBuilderExtensions
{
    /// <summary>The configuration section the provider's defaults bind from.</summary>
    public const string ConfigurationSection = "SftpKit:S3";

    /// <summary>
    /// Adds the storage provider <c>s3</c>: accounts and virtual folders with
    /// <c>FileSystem = { Provider = "s3", Root = "key/prefix/", Settings = { ["Bucket"] = ... } }</c> are stored in S3.
    /// Defaults come from configuration section <c>SftpKit:S3</c> (when an <see cref="IConfiguration"/> is registered),
    /// then <paramref name="configure"/>; per-account settings override both. Settings are validated per account at
    /// login (a misconfigured account cannot log in; the reason is logged).
    /// </summary>
    public static ISftpServerBuilder AddS3Storage(this ISftpServerBuilder builder, Action<S3FileSystemOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddSftpKitOptions<S3FileSystemOptions>(ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, S3StorageProvider>());
        return builder;
    }
}
