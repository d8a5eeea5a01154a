namespace SftpKit.Storage.S3;

/// <summary>What an S3 file system answers to operations object storage cannot do (SFTPGo's <c>setstat_mode</c>).</summary>
public enum S3SetstatMode
{
    /// <summary>chmod, chown, chtimes, truncate (except to 0 or the current size) and symbolic links fail with "operation unsupported".</summary>
    Fail,

    /// <summary>chmod, chown, chtimes and truncate are accepted and ignored (the path must still exist); symbolic links still fail.</summary>
    Ignore,
}

/// <summary>
/// Settings of one S3 (or S3-compatible) file system. Bind the server-wide defaults from configuration section
/// <c>SftpKit:S3</c>; an account's <c>SftpFileSystemConfig.Settings</c> override them per account or virtual folder
/// with the same names (e.g. <c>Bucket</c>, <c>UploadPartSizeMiB</c>).
/// </summary>
public sealed class S3FileSystemOptions
{
    /// <summary>Smallest part S3 accepts in a multipart upload (except the last), in MiB.</summary>
    public const int MinPartSizeMiB = 5;

    /// <summary>Largest part size accepted here, in MiB.</summary>
    public const int MaxPartSizeMiB = 2000;

    /// <summary>Largest upload or download concurrency accepted here.</summary>
    public const int MaxConcurrency = 64;

    /// <summary>The bucket; required, and it must already exist.</summary>
    public string? Bucket { get; set; }

    /// <summary>The AWS region (e.g. <c>eu-central-1</c>). Required unless <see cref="Endpoint"/> is set; defaults to none (with an endpoint, <c>us-east-1</c> is used for signing).</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The service URL with its scheme (<c>https://s3.example.com:9000</c>) for S3-compatible services. Defaults to
    /// none: AWS's endpoint for <see cref="Region"/>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Access key id. Leave this and <see cref="SecretAccessKey"/> empty to use the SDK's default credential chain (environment, profile, ECS, EC2 instance profile, IRSA). Defaults to none.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>Secret access key (never logged). Defaults to none.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Session token for temporary credentials, used with the access keys (never logged). Defaults to none.</summary>
    public string? SessionToken { get; set; }

    /// <summary>IAM role ARN assumed through STS on top of the credentials above (or the default chain). Defaults to none.</summary>
    public string? RoleArn { get; set; }

    /// <summary>
    /// Key prefix that confines the file system to a "folder" of the bucket (need not exist), e.g. <c>users/alice/</c>.
    /// The account's <c>SftpFileSystemConfig.Root</c> is appended to it. Defaults to none (the whole bucket).
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>Storage class of uploaded objects (e.g. <c>STANDARD_IA</c>). Defaults to none: the bucket's default.</summary>
    public string? StorageClass { get; set; }

    /// <summary>Canned ACL of uploaded objects (e.g. <c>bucket-owner-full-control</c>). Defaults to none.</summary>
    public string? Acl { get; set; }

    /// <summary>Path-style addressing (<c>https://host/bucket/key</c>) instead of virtual-hosted style; most S3-compatible services need it. Defaults to false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// SSE-C customer key, base64 of 32 bytes: every object is encrypted and decrypted with it (never logged; keep
    /// the setting in a protected store). Defaults to none.
    /// </summary>
    public string? SseCustomerKey { get; set; }

    /// <summary>Accepts any TLS certificate from the endpoint. For testing only (man-in-the-middle); a warning is logged. Defaults to false.</summary>
    public bool SkipTlsVerify { get; set; }

    /// <summary>
    /// Checksum the SDK computes and sends with PutObject, UploadPart and CopyObject: <c>CRC32</c>, <c>CRC32C</c>,
    /// <c>CRC64NVME</c>, <c>SHA1</c> or <c>SHA256</c> (required by Object Lock buckets). Defaults to none, for services
    /// that do not support them: the SDK's request checksum calculation and response validation are then
    /// <c>WHEN_REQUIRED</c>.
    /// </summary>
    public string? ChecksumAlgorithm { get; set; }

    /// <summary>
    /// Sends request bodies with aws-chunked encoding (streaming SigV4). Some services (e.g. s3rver) store the chunk
    /// signatures as object bytes; turn it off for them. Defaults to true.
    /// </summary>
    public bool UseChunkEncoding { get; set; } = true;

    /// <summary>
    /// Sends uploads as <c>UNSIGNED-PAYLOAD</c>: SigV4 then signs the headers only, and the SDK no longer computes a
    /// SHA-256 of every part (≈ 0.5 CPU s per GiB here). Only for https:// endpoints (refused by validation for
    /// http://, as the SDK refuses it there): TLS protects the body in transit; set <see cref="ChecksumAlgorithm"/> too
    /// for a checksum the service verifies. Defaults to false.
    /// </summary>
    public bool DisablePayloadSigning { get; set; }

    /// <summary>Size of each multipart upload part and of the in-memory part buffer, in MiB (5–2000). Defaults to 5.</summary>
    public int UploadPartSizeMiB { get; set; } = 5;

    /// <summary>
    /// Parts of one upload sent at once (0–64; 0 and 1 both send one part at a time, waiting for it). An upload
    /// holds at most <see cref="UploadPartSizeMiB"/> × (concurrency + 1) in memory. Defaults to 5.
    /// </summary>
    public int UploadConcurrency { get; set; } = 5;

    /// <summary>Longest time to send one part (or a single PutObject); zero means no limit. Defaults to zero.</summary>
    public TimeSpan UploadPartMaxTime { get; set; }

    /// <summary>Size of each ranged GET of a sequential download, in MiB (5–2000). Defaults to 5.</summary>
    public int DownloadPartSizeMiB { get; set; } = 5;

    /// <summary>
    /// Ranged GETs of one download in flight ahead of the reader (0–64; 0 and 1 both fetch one part at a time). A
    /// download holds at most <see cref="DownloadPartSizeMiB"/> × (concurrency + 1) in memory. Random reads (resume,
    /// sshfs) fetch exactly what is asked. Defaults to 5.
    /// </summary>
    public int DownloadConcurrency { get; set; } = 5;

    /// <summary>Longest time to fetch one download part; zero means no limit. Defaults to zero.</summary>
    public TimeSpan DownloadPartMaxTime { get; set; }

    /// <summary>What chmod, chown, chtimes and truncate do. Defaults to <see cref="S3SetstatMode.Fail"/>.</summary>
    public S3SetstatMode SetstatMode { get; set; } = S3SetstatMode.Fail;

    /// <summary>
    /// Most objects a directory rename may copy (each is a server-side copy then a delete; not atomic); larger
    /// directories are refused with "operation unsupported". Zero refuses renaming any non-empty directory.
    /// Defaults to 1000.
    /// </summary>
    public int MaxRenameObjects { get; set; } = 1000;

    /// <summary>
    /// Completes an interrupted upload with the bytes received so far (so a client can resume it) instead of
    /// aborting the multipart upload. Defaults to false: an interrupted upload leaves no object and no parts.
    /// </summary>
    public bool KeepPartialUploads { get; set; }

    /// <summary>
    /// Replaces how the SDK makes its <see cref="HttpClient"/> (proxies, test harnesses). Not bindable from
    /// configuration. Defaults to none: the SDK's own.
    /// </summary>
    public Amazon.Runtime.HttpClientFactory? HttpClientFactory { get; set; }

    internal long UploadPartSize => UploadPartSizeMiB * 1024L * 1024L;

    internal long DownloadPartSize => DownloadPartSizeMiB * 1024L * 1024L;

    /// <summary>A copy (the account's settings are applied to a copy of the defaults).</summary>
    public S3FileSystemOptions Clone() => (S3FileSystemOptions)MemberwiseClone();

    /// <summary>Redacts the secrets, so the options can be logged or shown.</summary>
    public override string ToString() =>
        $"S3 bucket={Bucket} region={Region} endpoint={Endpoint} prefix={KeyPrefix} pathStyle={ForcePathStyle} credentials={(string.IsNullOrEmpty(AccessKeyId) ? "default-chain" : "static")} sseC={(string.IsNullOrEmpty(SseCustomerKey) ? "off" : "on")}";

    /// <summary>The options, or <see cref="ArgumentException"/> listing every problem.</summary>
    internal static S3FileSystemOptions Checked(S3FileSystemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = S3FileSystemOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
        return options;
    }
}
