using System.Globalization;

namespace SftpKit.Accounts;

/// <summary>
/// Where an account's data-transfer usage is kept in the <see cref="ISftpQuotaStore"/>: two owners per period, of kind
/// <see cref="SftpQuotaOwnerKind.UploadTransfer"/> and <see cref="SftpQuotaOwnerKind.DownloadTransfer"/>, with the
/// bytes in <see cref="SftpQuotaUsage.Size"/>. A new period starts from zero because its owners are new; counters of
/// past periods stay in the store until removed.
/// </summary>
public static class SftpDataTransferUsage
{
    /// <summary>
    /// The owner name of <paramref name="userName"/>'s counters for the period holding <paramref name="now"/>: the user
    /// name alone for <see cref="SftpDataTransferPeriod.None"/>, else <c>user/2026-12-07</c> (day), <c>user/2026-W49</c>
    /// (ISO week) or <c>user/2026-12</c> (month), all in UTC. User names hold no <c>/</c>, so names never collide.
    /// </summary>
    public static string OwnerName(string userName, SftpDataTransferPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var utc = now.UtcDateTime;
        return period switch
        {
            SftpDataTransferPeriod.Day => userName + "/" + utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            SftpDataTransferPeriod.Week => string.Create(CultureInfo.InvariantCulture, $"{userName}/{ISOWeek.GetYear(utc)}-W{ISOWeek.GetWeekOfYear(utc):00}"),
            SftpDataTransferPeriod.Month => userName + "/" + utc.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => userName,
        };
    }

    /// <summary>The upload and download owners of <paramref name="userName"/> for the period holding <paramref name="now"/>.</summary>
    public static (SftpQuotaOwner Upload, SftpQuotaOwner Download) Owners(string userName, SftpDataTransferPeriod period, DateTimeOffset now)
    {
        string name = OwnerName(userName, period, now);
        return (new SftpQuotaOwner(SftpQuotaOwnerKind.UploadTransfer, name), new SftpQuotaOwner(SftpQuotaOwnerKind.DownloadTransfer, name));
    }
}
