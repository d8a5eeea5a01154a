using Microsoft.Extensions.Options;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Collects every problem in <see cref="AzureBlobFileSystemOptions"/> at once, each naming the setting at fault. The
/// defaults bound from <c>SftpKit:AzureBlob</c> are not checked at start (an account's settings may complete them): the
/// <c>azureblob</c> provider checks the resolved settings at each login and <see cref="AzureBlobFileSystem"/> when it
/// is made.
/// </summary>
internal sealed class AzureBlobFileSystemOptionsValidator : IValidateOptions<AzureBlobFileSystemOptions>
{
    private static readonly AzureBlobFileSystemOptionsValidator s_instance = new();
    private static readonly string[] s_tiers = ["Hot", "Cool", "Cold", "Archive"];

    /// <summary>Every problem with <paramref name="options"/>; empty when they are valid.</summary>
    public static IEnumerable<string> Errors(AzureBlobFileSystemOptions options)
        => s_instance.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures } ? failures : [];

    public ValidateOptionsResult Validate(string? name, AzureBlobFileSystemOptions o)
    {
        var errors = new List<string>();
        int credentials = (string.IsNullOrEmpty(o.ConnectionString) ? 0 : 1) + (string.IsNullOrEmpty(o.SasUrl) ? 0 : 1)
            + (string.IsNullOrEmpty(o.AccountKey) ? 0 : 1);
        if (credentials == 0)
        {
            errors.Add("AzureBlob needs credentials: ConnectionString, SasUrl, or AccountName with AccountKey.");
        }
        else if (credentials > 1)
        {
            errors.Add("AzureBlob takes one of ConnectionString, SasUrl or AccountKey, not several.");
        }
        if (!string.IsNullOrEmpty(o.AccountKey))
        {
            if (string.IsNullOrWhiteSpace(o.AccountName))
            {
                errors.Add("AzureBlob AccountName is required with AccountKey.");
            }
            if (!IsBase64(o.AccountKey))
            {
                errors.Add("AzureBlob AccountKey must be base64.");
            }
        }
        if (!string.IsNullOrEmpty(o.SasUrl) && !IsHttpUrl(o.SasUrl))
        {
            errors.Add("AzureBlob SasUrl must be an absolute http:// or https:// URL.");
        }
        if (string.IsNullOrWhiteSpace(o.Container) && AzureBlobClientFactory.ContainerOfSasUrl(o.SasUrl) is null)
        {
            errors.Add("AzureBlob Container is required (unless SasUrl names one).");
        }
        if (!string.IsNullOrWhiteSpace(o.Endpoint) && o.Endpoint.Contains("://", StringComparison.Ordinal) && !IsHttpUrl(o.Endpoint))
        {
            errors.Add("AzureBlob Endpoint must be a host name suffix or an absolute http:// or https:// URL.");
        }
        if (!string.IsNullOrWhiteSpace(o.AccessTier) && !s_tiers.Contains(o.AccessTier, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add("AzureBlob AccessTier must be one of Hot, Cool, Cold, Archive.");
        }
        if (o.UploadPartSizeMiB is < AzureBlobFileSystemOptions.MinPartSizeMiB or > AzureBlobFileSystemOptions.MaxPartSizeMiB)
        {
            errors.Add($"AzureBlob UploadPartSizeMiB must be between {AzureBlobFileSystemOptions.MinPartSizeMiB} and {AzureBlobFileSystemOptions.MaxPartSizeMiB}.");
        }
        if (o.DownloadPartSizeMiB is < AzureBlobFileSystemOptions.MinPartSizeMiB or > AzureBlobFileSystemOptions.MaxPartSizeMiB)
        {
            errors.Add($"AzureBlob DownloadPartSizeMiB must be between {AzureBlobFileSystemOptions.MinPartSizeMiB} and {AzureBlobFileSystemOptions.MaxPartSizeMiB}.");
        }
        if (o.UploadConcurrency is < 0 or > AzureBlobFileSystemOptions.MaxConcurrency)
        {
            errors.Add($"AzureBlob UploadConcurrency must be between 0 and {AzureBlobFileSystemOptions.MaxConcurrency}.");
        }
        if (o.DownloadConcurrency is < 0 or > AzureBlobFileSystemOptions.MaxConcurrency)
        {
            errors.Add($"AzureBlob DownloadConcurrency must be between 0 and {AzureBlobFileSystemOptions.MaxConcurrency}.");
        }
        if (o.UploadPartMaxTime < TimeSpan.Zero || o.DownloadPartMaxTime < TimeSpan.Zero)
        {
            errors.Add("AzureBlob UploadPartMaxTime and DownloadPartMaxTime must not be negative.");
        }
        if (o.MaxRenameObjects < 0)
        {
            errors.Add("AzureBlob MaxRenameObjects must not be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out int written) && written > 0;
    }
}
