namespace SftpKit.Storage.AzureBlob;

/// <summary>What an Azure Blob file system answers to operations blob storage cannot do (as for S3).</summary>
public enum AzureBlobSetstatMode
{
    /// <summary>chmod, chown, chtimes, truncate (except to 0 or the current size) and symbolic links fail with "operation unsupported".</summary>
    Fail,

    /// <summary>chmod, chown, chtimes and truncate are accepted and ignored (the path must still exist); symbolic links still fail.</summary>
    Ignore,
}
