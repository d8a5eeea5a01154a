using System.Globalization;
using System.Text.Json;
using static SftpKit.Accounts.Interchange.SftpGoReader;

namespace SftpKit.Accounts.Interchange;

public static partial class SftpGoUserJson
{
    /// <summary>The storage provider name <c>filesystem.provider</c> 3 (Azure Blob Storage) maps to.</summary>
    public const string AzureBlobProvider = "azureblob";

    /// <summary>
    /// The storage settings an <c>azblobconfig</c> maps to, by the format's own member names (<c>container</c>,
    /// <c>account_name</c>, <c>account_key</c>, <c>sas_url</c>, <c>endpoint</c>, <c>upload_part_size</c>,
    /// <c>upload_concurrency</c>, <c>download_part_size</c>, <c>download_concurrency</c>, <c>access_tier</c>,
    /// <c>use_emulator</c>); <c>key_prefix</c> becomes the root.
    /// </summary>
    private static readonly string[] s_azureStrings = ["container", "account_name", "endpoint", "access_tier"];

    private static readonly string[] s_azureNumbers = ["upload_part_size", "upload_concurrency", "download_part_size", "download_concurrency"];

    private static readonly string[] s_azureSecrets = ["account_key", "sas_url"];

    /// <summary>The storage of a <c>filesystem</c> object; null for local disk without a root of its own.</summary>
    private static SftpFileSystemConfig? ReadFileSystem(JsonElement fs, string? localRoot, SftpGoReader r, string path)
    {
        long provider = Long(fs, "provider") ?? 0;
        switch (provider)
        {
            case 0:
                if (Child(fs, "osconfig") is { } os)
                {
                    r.Unmapped(os, Join(path, "osconfig"), []);
                }
                return localRoot is null ? null : new SftpFileSystemConfig { Provider = "local", Root = localRoot };
            case 1:
                return ReadS3(Child(fs, "s3config") ?? throw new FormatException("filesystem.provider 1 (S3) needs s3config."), r, Join(path, "s3config"));
            case 3:
                return ReadAzure(Child(fs, "azblobconfig") ?? throw new FormatException("filesystem.provider 3 (Azure Blob) needs azblobconfig."), r, Join(path, "azblobconfig"));
            case 4:
                var crypt = Child(fs, "cryptconfig") ?? throw new FormatException("filesystem.provider 4 (encrypted local) needs cryptconfig.");
                r.Unmapped(crypt, Join(path, "cryptconfig"), ["passphrase"]);
                var encrypted = new SftpFileSystemConfig { Provider = "crypt", Root = localRoot };
                Put(encrypted, EncryptedStorageProvider.PassphraseSetting, Secret(crypt, "passphrase", r, Join(path, "cryptconfig")));
                r.Report(Join(path, "cryptconfig"), "Encrypted local storage maps to 'crypt', whose file format differs: files encrypted by the exporting server cannot be read here; copy them over in clear.");
                return encrypted;
            case 5:
                return ReadSftp(Child(fs, "sftpconfig") ?? throw new FormatException("filesystem.provider 5 (SFTP) needs sftpconfig."), r, Join(path, "sftpconfig"));
            default:
                string name = provider switch { 2 => " (Google Cloud Storage)", 6 => " (HTTP)", _ => "" };
                throw new FormatException($"filesystem.provider {provider.ToString(CultureInfo.InvariantCulture)}{name} is not supported (0 local, 1 S3, 3 Azure Blob, 4 encrypted local and 5 SFTP are).");
        }
    }

    private static SftpFileSystemConfig ReadS3(JsonElement s3, SftpGoReader r, string path)
    {
        r.Unmapped(s3, path, ["bucket", "region", "endpoint", "access_key", "access_secret", "storage_class", "acl", "key_prefix",
            "force_path_style", "upload_part_size", "upload_concurrency", "download_part_size", "download_concurrency"]);
        var config = new SftpFileSystemConfig { Provider = "s3", Root = String(s3, "key_prefix") is { Length: > 0 } p ? p : null };
        Put(config, "Bucket", String(s3, "bucket"));
        Put(config, "Region", String(s3, "region"));
        Put(config, "Endpoint", String(s3, "endpoint"));
        Put(config, "AccessKeyId", String(s3, "access_key"));
        Put(config, "SecretAccessKey", Secret(s3, "access_secret", r, path));
        Put(config, "StorageClass", String(s3, "storage_class"));
        Put(config, "Acl", String(s3, "acl"));
        if (Bool(s3, "force_path_style"))
        {
            config.Settings["ForcePathStyle"] = "true";
        }
        PutNumber(config, "UploadPartSizeMiB", Long(s3, "upload_part_size"));
        PutNumber(config, "UploadConcurrency", Long(s3, "upload_concurrency"));
        PutNumber(config, "DownloadPartSizeMiB", Long(s3, "download_part_size"));
        PutNumber(config, "DownloadConcurrency", Long(s3, "download_concurrency"));
        return config;
    }

    private static SftpFileSystemConfig ReadAzure(JsonElement az, SftpGoReader r, string path)
    {
        r.Unmapped(az, path, [.. s_azureStrings, .. s_azureNumbers, .. s_azureSecrets, "key_prefix", "use_emulator"]);
        var config = new SftpFileSystemConfig { Provider = AzureBlobProvider, Root = String(az, "key_prefix") is { Length: > 0 } p ? p : null };
        foreach (string name in s_azureStrings)
        {
            Put(config, name, String(az, name));
        }
        foreach (string name in s_azureNumbers)
        {
            PutNumber(config, name, Long(az, name));
        }
        foreach (string name in s_azureSecrets)
        {
            Put(config, name, Secret(az, name, r, path));
        }
        if (Bool(az, "use_emulator"))
        {
            config.Settings["use_emulator"] = "true";
        }
        return config;
    }

    private static SftpFileSystemConfig ReadSftp(JsonElement sftp, SftpGoReader r, string path)
    {
        r.Unmapped(sftp, path, ["endpoint", "username", "password", "private_key", "key_passphrase", "fingerprints", "prefix"]);
        var config = new SftpFileSystemConfig { Provider = "sftp", Root = String(sftp, "prefix") is { Length: > 0 } p ? p : null };
        if (String(sftp, "endpoint") is { Length: > 0 } endpoint)
        {
            int colon = endpoint.LastIndexOf(':');
            if (colon > 0 && !endpoint.EndsWith(']') && int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
            {
                config.Settings["Host"] = endpoint[..colon].Trim('[', ']');
                config.Settings["Port"] = port.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                config.Settings["Host"] = endpoint.Trim('[', ']');
            }
        }
        Put(config, "UserName", String(sftp, "username"));
        Put(config, "Password", Secret(sftp, "password", r, path));
        Put(config, "PrivateKey", Secret(sftp, "private_key", r, path));
        Put(config, "PrivateKeyPassphrase", Secret(sftp, "key_passphrase", r, path));
        var fingerprints = StringList(sftp, "fingerprints").Where(f => f.Length > 0).ToList();
        if (fingerprints.Count > 0)
        {
            config.Settings["HostKeyFingerprints"] = string.Join(',', fingerprints);
        }
        return config;
    }

    private static void Put(SftpFileSystemConfig config, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            config.Settings[name] = value;
        }
    }

    private static void PutNumber(SftpFileSystemConfig config, string name, long? value)
    {
        if (value is > 0)
        {
            config.Settings[name] = Number(value.Value);
        }
    }

    /// <summary>
    /// A secret field: a plain string, or a secret object whose status is <c>Plain</c>. <c>Redacted</c> reads as
    /// <see cref="RedactedSecret"/> (an API client keeping the stored value). Other statuses are encrypted with the
    /// exporting server's key: refused, or, when importing, reported and left out.
    /// </summary>
    private static string? Secret(JsonElement parent, string name, SftpGoReader r, string path)
    {
        if (!parent.TryGetProperty(name, out var secret) || secret.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (secret.ValueKind == JsonValueKind.String)
        {
            return secret.GetString();
        }
        string? status = String(secret, "status");
        string? payload = String(secret, "payload");
        if (status == "Redacted")
        {
            if (r.Reporting)
            {
                r.Report(Join(path, name), "The secret is redacted in the export; set it again.");
                return null;
            }
            return RedactedSecret;
        }
        if (payload is not { Length: > 0 })
        {
            return null;
        }
        if (status is null or "" or "Plain")
        {
            return payload;
        }
        if (r.Reporting)
        {
            r.Report(Join(path, name), $"The secret is encrypted with the exporting server's key (status {status}); set it again (or export it with status Plain).");
            return null;
        }
        throw new FormatException($"{name}: a secret with status {status} cannot be read; send it with status Plain.");
    }

    /// <summary>The value a secret sent with status <c>Redacted</c> reads as: the admin API keeps the stored value for it.</summary>
    public const string RedactedSecret = "[redacted]";
}
