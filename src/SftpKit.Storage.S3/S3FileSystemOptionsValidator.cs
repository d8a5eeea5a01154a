using Microsoft.Extensions.Options;

namespace SftpKit.Storage.S3;

/// <summary>
/// Collects every problem in <see cref="S3FileSystemOptions"/> at once, each naming the setting at fault. The
/// defaults bound from <c>SftpKit:S3</c> are not checked at start (an account's settings may complete them, such as its
/// own bucket): the <c>s3</c> provider checks the resolved settings at each login and <see cref="S3FileSystem"/> when
/// it is made.
/// </summary>
internal sealed class S3FileSystemOptionsValidator : IValidateOptions<S3FileSystemOptions>
{
    private static readonly S3FileSystemOptionsValidator s_instance = new();

    /// <summary>Every problem with <paramref name="options"/>; empty when they are valid.</summary>
    public static IEnumerable<string> Errors(S3FileSystemOptions options)
        => s_instance.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures } ? failures : [];

    public ValidateOptionsResult Validate(string? name, S3FileSystemOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Bucket))
        {
            errors.Add("S3 Bucket is required.");
        }
        if (string.IsNullOrWhiteSpace(o.Region) && string.IsNullOrWhiteSpace(o.Endpoint))
        {
            errors.Add("S3 Region is required unless Endpoint is set.");
        }
        if (!string.IsNullOrWhiteSpace(o.Endpoint) && !(Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add("S3 Endpoint must be an absolute http:// or https:// URL.");
        }
        if (o.DisablePayloadSigning && Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var plain) && plain.Scheme == Uri.UriSchemeHttp)
        {
            errors.Add("S3 DisablePayloadSigning needs an https:// endpoint (over http:// the payload must be signed).");
        }
        if (string.IsNullOrEmpty(o.AccessKeyId) != string.IsNullOrEmpty(o.SecretAccessKey))
        {
            errors.Add("S3 AccessKeyId and SecretAccessKey must be set together.");
        }
        if (o.UploadPartSizeMiB is < S3FileSystemOptions.MinPartSizeMiB or > S3FileSystemOptions.MaxPartSizeMiB)
        {
            errors.Add($"S3 UploadPartSizeMiB must be between {S3FileSystemOptions.MinPartSizeMiB} and {S3FileSystemOptions.MaxPartSizeMiB}.");
        }
        if (o.DownloadPartSizeMiB is < S3FileSystemOptions.MinPartSizeMiB or > S3FileSystemOptions.MaxPartSizeMiB)
        {
            errors.Add($"S3 DownloadPartSizeMiB must be between {S3FileSystemOptions.MinPartSizeMiB} and {S3FileSystemOptions.MaxPartSizeMiB}.");
        }
        if (o.UploadConcurrency is < 0 or > S3FileSystemOptions.MaxConcurrency)
        {
            errors.Add($"S3 UploadConcurrency must be between 0 and {S3FileSystemOptions.MaxConcurrency}.");
        }
        if (o.DownloadConcurrency is < 0 or > S3FileSystemOptions.MaxConcurrency)
        {
            errors.Add($"S3 DownloadConcurrency must be between 0 and {S3FileSystemOptions.MaxConcurrency}.");
        }
        if (o.UploadPartMaxTime < TimeSpan.Zero || o.DownloadPartMaxTime < TimeSpan.Zero)
        {
            errors.Add("S3 UploadPartMaxTime and DownloadPartMaxTime must not be negative.");
        }
        if (o.MaxRenameObjects < 0)
        {
            errors.Add("S3 MaxRenameObjects must not be negative.");
        }
        if (!string.IsNullOrEmpty(o.ChecksumAlgorithm) && S3Checksums.Parse(o.ChecksumAlgorithm) is null)
        {
            errors.Add("S3 ChecksumAlgorithm must be one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256.");
        }
        if (!string.IsNullOrEmpty(o.SseCustomerKey) && !IsAes256Key(o.SseCustomerKey))
        {
            errors.Add("S3 SseCustomerKey must be the base64 of 32 bytes.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsAes256Key(string value)
    {
        Span<byte> key = stackalloc byte[48];
        return Convert.TryFromBase64String(value, key, out int written) && written == 32;
    }
}
