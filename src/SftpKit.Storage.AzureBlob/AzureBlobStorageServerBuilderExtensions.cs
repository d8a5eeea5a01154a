using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Storage.AzureBlob;

namespace SftpKit;

/// <summary>Registration of the <c>azureblob</c> storage provider.</summary>
public static class AzureBlobStorageServerBuilderExtensions
{
    /// <summary>The configuration section the provider's defaults bind from.</summary>
    public const string ConfigurationSection = "SftpKit:AzureBlob";

    /// <summary>
    /// Adds the storage provider <c>azureblob</c>: accounts and virtual folders with
    /// <c>FileSystem = { Provider = "azureblob", Root = "name/prefix/", Settings = { ["Container"] = ..., ["AccountName"] = ...,
    /// ["AccountKey"] = ... } }</c> are stored in Azure Blob Storage. Defaults come from configuration section
    /// <c>SftpKit:AzureBlob</c> (when an <see cref="IConfiguration"/> is registered), then <paramref name="configure"/>;
    /// per-account settings override both. Settings are validated per account at login (a misconfigured account cannot
    /// log in; the reason is logged). The account key, SAS URL and connection string are secrets: account stores protect
    /// them at rest with their <see cref="ISftpSecretProtector"/>.
    /// </summary>
    public static ISftpServerBuilder AddAzureBlobStorage(this ISftpServerBuilder builder, Action<AzureBlobFileSystemOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddSftpKitOptions<AzureBlobFileSystemOptions>(ConfigurationSection);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ISftpStorageProvider, AzureBlobStorageProvider>());
        return builder;
    }
}
