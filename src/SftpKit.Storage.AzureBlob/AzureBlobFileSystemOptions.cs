namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Settings of one Azure Blob Storage file system. Bind the server-wide defaults from configuration section
/// <c>SftpKit:AzureBlob</c>; an account's <c>SftpFileSystemConfig.Settings</c> override them per account or virtual
/// folder, by property name (<c>Container</c>, <c>UploadPartSizeMiB</c>) or by the JSON field name of the
/// <c>azblobconfig</c> format SftpKit reads (<c>container</c>, <c>account_name</c>, <c>account_key</c>, <c>sas_url</c>,
/// <c>endpoint</c>, <c>key_prefix</c>, <c>access_tier</c>, <c>upload_part_size</c>, <c>upload_concurrency</c>,
/// <c>download_part_size</c>, <c>download_concurrency</c>, <c>use_emulator</c>).
/// Credentials: exactly one of <see cref="ConnectionString"/>, <see cref="SasUrl"/>, or <see cref="AccountName"/> with
/// <see cref="AccountKey"/>.
/// </summary>
public sealed class AzureBlobFileSystemOptions
{
    /// <summary>Smallest block (upload part) and download part size accepted, in MiB.</summary>
    public const int MinPartSizeMiB = 1;

    /// <summary>Largest block (upload part) and download part size accepted, in MiB (the service allows 4000).</summary>
    public const int MaxPartSizeMiB = 2000;

    /// <summary>Largest upload or download concurrency accepted.</summary>
    public const int MaxConcurrency = 64;

    /// <summary>Most blocks one blob may have (a service limit): the largest upload is this × the block size.</summary>
    public const int MaxBlocks = 50_000;

    /// <summary>The default endpoint suffix of the public cloud.</summary>
    public const string DefaultEndpointSuffix = "blob.core.windows.net";

    /// <summary>The container; required unless <see cref="SasUrl"/> names one. It must already exist.</summary>
    public string? Container { get; set; }

    /// <summary>The storage account name; required with <see cref="AccountKey"/>. Defaults to none.</summary>
    public string? AccountName { get; set; }

    /// <summary>The storage account key, base64 (a secret: never logged, protected at rest by the account store). Defaults to none.</summary>
    public string? AccountKey { get; set; }

    /// <summary>
    /// A shared access signature URL, of the account (<c>https://acct.blob.core.windows.net/?sv=...</c>) or of a container
    /// (<c>https://acct.blob.core.windows.net/files?sv=...</c>, which then names the container). A secret: never logged,
    /// protected at rest by the account store. Defaults to none.
    /// </summary>
    public string? SasUrl { get; set; }

    /// <summary>
    /// A storage connection string (<c>DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...</c>, or
    /// <c>UseDevelopmentStorage=true</c>). A secret: never logged, protected at rest by the account store. Defaults to none.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The blob endpoint, with <see cref="AccountName"/>: an endpoint suffix for sovereign clouds
    /// (<c>blob.core.chinacloudapi.cn</c>, the service URL being <c>https://ACCOUNT.SUFFIX</c>) or a URL with its scheme
    /// used as the service URL as is (<c>http://127.0.0.1:10000/devstoreaccount1</c> for Azurite). Defaults to
    /// <see cref="DefaultEndpointSuffix"/>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// With an <see cref="Endpoint"/> URL: the account name is appended to its path (emulator style,
    /// <c>http://127.0.0.1:10000</c> → <c>http://127.0.0.1:10000/ACCOUNT</c>). Defaults to false.
    /// </summary>
    public bool UseEmulator { get; set; }

    /// <summary>
    /// Name prefix that confines the file system to a "folder" of the container (need not exist), e.g. <c>users/alice/</c>.
    /// The account's <c>SftpFileSystemConfig.Root</c> is appended to it. Defaults to none (the whole container).
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>Access tier of uploaded blobs: <c>Hot</c>, <c>Cool</c>, <c>Cold</c> or <c>Archive</c>. Defaults to none: the account's default tier.</summary>
    public string? AccessTier { get; set; }

    /// <summary>Accepts any TLS certificate from the endpoint. For testing only (man-in-the-middle); a warning is logged. Defaults to false.</summary>
    public bool SkipTlsVerify { get; set; }

    /// <summary>
    /// Block size of uploads and size of the in-memory block buffer, in MiB (1–2000). A file larger than one block is
    /// staged block by block (Put Block) and committed at close (Put Block List); the largest file is
    /// <see cref="MaxBlocks"/> × this (244 GiB at the default). Defaults to 5.
    /// </summary>
    public int UploadPartSizeMiB { get; set; } = 5;

    /// <summary>
    /// Blocks of one upload sent at once (0–64; 0 and 1 both send one block at a time, waiting for it). An upload holds
    /// at most <see cref="UploadPartSizeMiB"/> × (concurrency + 1) in memory, and never writes a local temporary file.
    /// Defaults to 5.
    /// </summary>
    public int UploadConcurrency { get; set; } = 5;

    /// <summary>Longest time to send one block (or a single-request upload); zero means no limit. Defaults to zero.</summary>
    public TimeSpan UploadPartMaxTime { get; set; }

    /// <summary>Size of each ranged GET of a sequential download, in MiB (1–2000). Defaults to 5.</summary>
    public int DownloadPartSizeMiB { get; set; } = 5;

    /// <summary>
    /// Ranged GETs of one download in flight ahead of the reader (0–64; 0 and 1 both fetch one part at a time). A
    /// download holds at most <see cref="DownloadPartSizeMiB"/> × (concurrency + 1) in memory. Random reads (resume)
    /// fetch exactly what is asked. Defaults to 5.
    /// </summary>
    public int DownloadConcurrency { get; set; } = 5;

    /// <summary>Longest time to fetch one download part; zero means no limit. Defaults to zero.</summary>
    public TimeSpan DownloadPartMaxTime { get; set; }

    /// <summary>What chmod, chown, chtimes and truncate do. Defaults to <see cref="AzureBlobSetstatMode.Fail"/>.</summary>
    public AzureBlobSetstatMode SetstatMode { get; set; } = AzureBlobSetstatMode.Fail;

    /// <summary>
    /// Most blobs a directory rename may copy (each is a server-side copy then a delete; not atomic); larger
    /// directories are refused with "operation unsupported" before anything is copied. Zero refuses renaming any
    /// non-empty directory. Defaults to 1000.
    /// </summary>
    public int MaxRenameObjects { get; set; } = 1000;

    /// <summary>
    /// Commits an interrupted upload with the bytes received so far (so a client can resume it) instead of dropping
    /// its staged blocks. Defaults to false: an interrupted upload commits nothing (its staged, uncommitted blocks are
    /// invisible and the service discards them after 7 days).
    /// </summary>
    public bool KeepPartialUploads { get; set; }

    internal long UploadPartSize => UploadPartSizeMiB * 1024L * 1024L;

    internal long DownloadPartSize => DownloadPartSizeMiB * 1024L * 1024L;

    /// <summary>A copy (the account's settings are applied to a copy of the defaults).</summary>
    public AzureBlobFileSystemOptions Clone() => (AzureBlobFileSystemOptions)MemberwiseClone();

    /// <summary>Redacts the secrets, so the options can be logged or shown.</summary>
    public override string ToString() =>
        $"AzureBlob container={Container} account={AccountName} endpoint={Endpoint} prefix={KeyPrefix} credentials={CredentialKind}";

    internal string CredentialKind =>
        !string.IsNullOrEmpty(ConnectionString) ? "connection-string"
        : !string.IsNullOrEmpty(SasUrl) ? "sas"
        : !string.IsNullOrEmpty(AccountKey) ? "shared-key"
        : "none";

    /// <summary>The options, or <see cref="ArgumentException"/> listing every problem.</summary>
    internal static AzureBlobFileSystemOptions Checked(AzureBlobFileSystemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = AzureBlobFileSystemOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
        return options;
    }
}
