using SftpKit.Accounts;

namespace SftpKit.Providers.Sql;

/// <summary>
/// The per-account limits kept together as JSON in the <c>accounts.limits</c> column (schema version 6): access
/// windows and their time zone, data-transfer caps and their period, password expiry and strength, denied protocols.
/// </summary>
internal sealed class SqlAccountLimits
{
    public List<SftpAccessTimeWindow>? AccessTime { get; set; }

    public string? AccessTimeZone { get; set; }

    public long UploadDataTransfer { get; set; }

    public long DownloadDataTransfer { get; set; }

    public long TotalDataTransfer { get; set; }

    public SftpDataTransferPeriod DataTransferPeriod { get; set; }

    public int PasswordExpirationDays { get; set; }

    public int PasswordStrength { get; set; }

    public List<string>? DeniedProtocols { get; set; }

    public static SqlAccountLimits From(SftpAccount account) => new()
    {
        AccessTime = account.AccessTime.Select(w => w.Clone()).ToList(),
        AccessTimeZone = account.AccessTimeZone,
        UploadDataTransfer = account.UploadDataTransfer,
        DownloadDataTransfer = account.DownloadDataTransfer,
        TotalDataTransfer = account.TotalDataTransfer,
        DataTransferPeriod = account.DataTransferPeriod,
        PasswordExpirationDays = account.PasswordExpirationDays,
        PasswordStrength = account.PasswordStrength,
        DeniedProtocols = new List<string>(account.DeniedProtocols),
    };

    public void ApplyTo(SftpAccount account)
    {
        account.AccessTime = AccessTime ?? [];
        account.AccessTimeZone = AccessTimeZone;
        account.UploadDataTransfer = UploadDataTransfer;
        account.DownloadDataTransfer = DownloadDataTransfer;
        account.TotalDataTransfer = TotalDataTransfer;
        account.DataTransferPeriod = DataTransferPeriod;
        account.PasswordExpirationDays = PasswordExpirationDays;
        account.PasswordStrength = PasswordStrength;
        account.DeniedProtocols = DeniedProtocols ?? [];
    }
}
