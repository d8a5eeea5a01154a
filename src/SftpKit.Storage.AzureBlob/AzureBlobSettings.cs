using System.Globalization;
using SftpKit.Accounts;

namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Applies an account's (or virtual folder's) storage settings over the defaults. Names are matched without case and
/// without underscores, so both <see cref="AzureBlobFileSystemOptions"/> property names (<c>AccountKey</c>) and the
/// JSON field names of the <c>azblobconfig</c> format (<c>account_key</c>) work. In that format a zero
/// <c>upload_part_size</c>, <c>upload_concurrency</c>, <c>download_part_size</c> or <c>download_concurrency</c> means
/// "the default", so it is skipped. An unknown name is an error (the account cannot log in; the reason is logged).
/// </summary>
internal static class AzureBlobSettings
{
    public static AzureBlobFileSystemOptions Resolve(AzureBlobFileSystemOptions defaults, IDictionary<string, string> settings)
    {
        var o = defaults.Clone();
        foreach (var (key, value) in settings)
        {
            bool formatZero = key.Contains('_', StringComparison.Ordinal) && value.Trim() == "0";
            switch (key.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant())
            {
                case "CONTAINER": o.Container = value; break;
                case "ACCOUNTNAME": o.AccountName = value; break;
                case "ACCOUNTKEY": o.AccountKey = value; break;
                case "SASURL": o.SasUrl = value; break;
                case "CONNECTIONSTRING": o.ConnectionString = value; break;
                case "ENDPOINT": o.Endpoint = value; break;
                case "USEEMULATOR": o.UseEmulator = Bool(key, value); break;
                case "KEYPREFIX": o.KeyPrefix = value; break;
                case "ACCESSTIER": o.AccessTier = value; break;
                case "SKIPTLSVERIFY": o.SkipTlsVerify = Bool(key, value); break;
                case "UPLOADPARTSIZE" or "UPLOADPARTSIZEMIB" or "BLOCKSIZEMIB": if (!formatZero) { o.UploadPartSizeMiB = Int(key, value); } break;
                case "UPLOADCONCURRENCY": if (!formatZero) { o.UploadConcurrency = Int(key, value); } break;
                case "DOWNLOADPARTSIZE" or "DOWNLOADPARTSIZEMIB": if (!formatZero) { o.DownloadPartSizeMiB = Int(key, value); } break;
                case "DOWNLOADCONCURRENCY": if (!formatZero) { o.DownloadConcurrency = Int(key, value); } break;
                case "UPLOADPARTMAXTIME": o.UploadPartMaxTime = Time(key, value); break;
                case "DOWNLOADPARTMAXTIME": o.DownloadPartMaxTime = Time(key, value); break;
                case "SETSTATMODE": o.SetstatMode = Mode(key, value); break;
                case "MAXRENAMEOBJECTS": o.MaxRenameObjects = Int(key, value); break;
                case "KEEPPARTIALUPLOADS": o.KeepPartialUploads = Bool(key, value); break;
                default: throw new InvalidOperationException($"Unknown Azure Blob storage setting '{key}'.");
            }
        }
        return o;
    }

    /// <summary>The resolved options of <paramref name="config"/>, or why they cannot be used.</summary>
    public static AzureBlobFileSystemOptions ResolveChecked(AzureBlobFileSystemOptions defaults, SftpFileSystemConfig config)
    {
        var options = Resolve(defaults, config.Settings);
        var errors = AzureBlobFileSystemOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The account's Azure Blob storage is misconfigured: " + string.Join(" ", errors));
        }
        return options;
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw Bad(key, "a whole number");

    private static bool Bool(string key, string value) =>
        bool.TryParse(value, out bool b) ? b : throw Bad(key, "true or false");

    private static TimeSpan Time(string key, string value) =>
        TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var t) ? t : throw Bad(key, "a time span (hh:mm:ss)");

    private static AzureBlobSetstatMode Mode(string key, string value) =>
        Enum.TryParse<AzureBlobSetstatMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) ? mode : throw Bad(key, "Fail or Ignore");

    private static InvalidOperationException Bad(string key, string what) =>
        new($"Azure Blob storage setting '{key}' must be {what}.");
}
