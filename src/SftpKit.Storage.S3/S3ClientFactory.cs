using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;

namespace SftpKit.Storage.S3;

/// <summary>Builds the SDK client for one set of options.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3FileSystemOptions options)
    {
        bool checksums = S3Checksums.Parse(options.ChecksumAlgorithm) is not null;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Services without the newer flexible checksums reject or mis-store them: only when asked for.
            RequestChecksumCalculation = checksums ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        if (options.HttpClientFactory is { } factory)
        {
            config.HttpClientFactory = factory;
        }
        else if (options.SkipTlsVerify)
        {
            config.HttpClientFactory = new InsecureHttpClientFactory();
        }
        return new AmazonS3Client(Credentials(options, config), config);
    }

    private static AWSCredentials Credentials(S3FileSystemOptions options, AmazonS3Config config)
    {
        AWSCredentials source = string.IsNullOrEmpty(options.AccessKeyId)
            ? DefaultAWSCredentialsIdentityResolver.GetCredentials(config)
            : string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
        if (string.IsNullOrWhiteSpace(options.RoleArn))
        {
            return source;
        }
        return new AssumeRoleAWSCredentials(source, options.RoleArn, "sftpkit-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>Accepts any server certificate (<see cref="S3FileSystemOptions.SkipTlsVerify"/>, testing only).</summary>
    private sealed class InsecureHttpClientFactory : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
#pragma warning disable CA5359, CA2000 // Certificate checks are off only when the operator asked for it; the client owns the handler.
            var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = static (_, _, _, _) => true };
#pragma warning restore CA5359, CA2000
            return new HttpClient(handler);
        }

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
