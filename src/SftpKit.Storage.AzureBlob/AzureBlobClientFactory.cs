using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace SftpKit.Storage.AzureBlob;

/// <summary>Builds the container client for one set of (valid) options.</summary>
internal static class AzureBlobClientFactory
{
    public static BlobContainerClient Create(AzureBlobFileSystemOptions o)
    {
        // Directory markers are blobs named "dir/": the SDK must keep their trailing slash.
        var clientOptions = new BlobClientOptions { TrimBlobNameSlashes = false };
        if (o.SkipTlsVerify)
        {
#pragma warning disable CA5359, CA2000 // Certificate checks are off only when the operator asked for it; the transport owns the handler.
            var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = static (_, _, _, _) => true };
            clientOptions.Transport = new HttpClientTransport(handler);
#pragma warning restore CA5359, CA2000
        }
        if (!string.IsNullOrEmpty(o.ConnectionString))
        {
            return new BlobServiceClient(o.ConnectionString, clientOptions).GetBlobContainerClient(o.Container);
        }
        if (!string.IsNullOrEmpty(o.SasUrl))
        {
            var sas = new Uri(o.SasUrl);
            return ContainerOfSasUrl(o.SasUrl) is not null
                ? new BlobContainerClient(sas, clientOptions)
                : new BlobServiceClient(sas, clientOptions).GetBlobContainerClient(o.Container);
        }
        var credential = new StorageSharedKeyCredential(o.AccountName, o.AccountKey);
        return new BlobServiceClient(ServiceUri(o), credential, clientOptions).GetBlobContainerClient(o.Container);
    }

    /// <summary>The blob service URL for an account name and <see cref="AzureBlobFileSystemOptions.Endpoint"/>.</summary>
    public static Uri ServiceUri(AzureBlobFileSystemOptions o)
    {
        string endpoint = string.IsNullOrWhiteSpace(o.Endpoint) ? AzureBlobFileSystemOptions.DefaultEndpointSuffix : o.Endpoint.Trim();
        if (!endpoint.Contains("://", StringComparison.Ordinal))
        {
            return new Uri($"https://{o.AccountName}.{endpoint.Trim('.', '/')}");
        }
        string url = endpoint.TrimEnd('/');
        return new Uri(o.UseEmulator ? $"{url}/{o.AccountName}" : url);
    }

    /// <summary>The container a SAS URL names, or null (an account SAS, or no SAS URL).</summary>
    public static string? ContainerOfSasUrl(string? sasUrl)
    {
        if (string.IsNullOrEmpty(sasUrl) || !Uri.TryCreate(sasUrl, UriKind.Absolute, out var uri))
        {
            return null;
        }
        try
        {
            return new BlobUriBuilder(uri).BlobContainerName is { Length: > 0 } name ? name : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
