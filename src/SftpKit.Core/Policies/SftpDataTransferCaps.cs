using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// An account's data-transfer caps (<see cref="SftpAccount.UploadDataTransfer"/>, <see cref="SftpAccount.DownloadDataTransfer"/>,
/// <see cref="SftpAccount.TotalDataTransfer"/>, in MiB) and where their usage is kept: in the quota store, as owners of kind
/// <see cref="SftpQuotaOwnerKind.UploadTransfer"/> and <see cref="SftpQuotaOwnerKind.DownloadTransfer"/> named after the
/// account and the period (<see cref="SftpDataTransferUsage.OwnerName"/>), with the bytes in <see cref="SftpQuotaUsage.Size"/>.
/// </summary>
internal sealed class SftpDataTransferCaps
{
    private const long MiB = 1024 * 1024;

    private SftpDataTransferCaps(SftpAccount account)
    {
        UserName = account.UserName;
        Period = account.DataTransferPeriod;
        Total = Bytes(account.TotalDataTransfer);
        Upload = Total > 0 ? 0 : Bytes(account.UploadDataTransfer);
        Download = Total > 0 ? 0 : Bytes(account.DownloadDataTransfer);
    }

    public string UserName { get; }

    public SftpDataTransferPeriod Period { get; }

    /// <summary>Bytes uploaded plus downloaded allowed per period; 0 = not capped (then the two below apply).</summary>
    public long Total { get; }

    public long Upload { get; }

    public long Download { get; }

    /// <summary>The caps of <paramref name="account"/>, or null when it has none.</summary>
    public static SftpDataTransferCaps? For(SftpAccount account) =>
        account.TotalDataTransfer > 0 || account.UploadDataTransfer > 0 || account.DownloadDataTransfer > 0 ? new SftpDataTransferCaps(account) : null;

    /// <summary>The upload and download counters for the period holding <paramref name="now"/>.</summary>
    public (SftpQuotaOwner Upload, SftpQuotaOwner Download) OwnersAt(DateTimeOffset now)
    {
        return SftpDataTransferUsage.Owners(UserName, Period, now);
    }

    /// <summary>The error every protocol shows when a cap is reached.</summary>
    public static VfsException Exceeded() => new(VfsError.TransferLimitExceeded, "Data transfer limit exceeded.");

    private static long Bytes(long mib) => mib <= 0 ? 0 : mib > long.MaxValue / MiB ? long.MaxValue : mib * MiB;
}

/// <summary>
/// One transfer's side of the data-transfer caps: the stored usage is read once when the transfer opens, bytes are
/// reserved in the ledger as they pass (so the account's parallel transfers on this instance see each other), and
/// the bytes moved are added to the quota store once, when the transfer ends, whether it completed or not (they
/// crossed the wire either way). A transfer that would pass a cap fails with <see cref="VfsError.TransferLimitExceeded"/>
/// before the bytes move. Transfers on other instances sharing the store are seen from their end on.
/// </summary>
internal sealed class DataTransferMeter
{
    private readonly SftpDataTransferCaps _caps;
    private readonly SftpQuotaLedger _ledger;
    private readonly bool _upload;
    private readonly SftpQuotaOwner _mine;
    private readonly SftpQuotaOwner _other;
    private readonly long _storedMine;
    private readonly long _storedOther;
    private long _counted;
    private int _finished;

    private DataTransferMeter(SftpDataTransferCaps caps, SftpQuotaLedger ledger, bool upload, SftpQuotaOwner mine, SftpQuotaOwner other,
        long storedMine, long storedOther)
    {
        _caps = caps;
        _ledger = ledger;
        _upload = upload;
        _mine = mine;
        _other = other;
        _storedMine = storedMine;
        _storedOther = storedOther;
    }

    /// <summary>Starts metering a transfer; null when the account has no cap that applies to it. Fails when a cap is already reached.</summary>
    public static async ValueTask<DataTransferMeter?> StartAsync(SftpDataTransferCaps? caps, SftpQuotaLedger ledger, bool upload, CancellationToken cancellationToken)
    {
        if (caps is null || (caps.Total == 0 && (upload ? caps.Upload : caps.Download) == 0))
        {
            return null;
        }
        var (up, down) = caps.OwnersAt(ledger.Time.GetUtcNow());
        var mine = upload ? up : down;
        var other = upload ? down : up;
        long storedMine = await StoredAsync(ledger, mine, cancellationToken).ConfigureAwait(false);
        long storedOther = caps.Total > 0 ? await StoredAsync(ledger, other, cancellationToken).ConfigureAwait(false) : 0;
        var meter = new DataTransferMeter(caps, ledger, upload, mine, other, storedMine, storedOther);
        meter.Take(0);
        return meter;
    }

    /// <summary>Reserves <paramref name="bytes"/> more; throws (reserving nothing) when that would pass a cap. A cap already reached refuses even 0 bytes.</summary>
    public void Take(long bytes)
    {
        long used = _storedMine + _ledger.Pending(_mine);
        long cap = _upload ? _caps.Upload : _caps.Download;
        if (_caps.Total > 0)
        {
            used += _storedOther + _ledger.Pending(_other);
            cap = _caps.Total;
        }
        if (used + bytes > cap || (bytes == 0 && used >= cap))
        {
            throw SftpDataTransferCaps.Exceeded();
        }
        if (bytes > 0)
        {
            _ledger.AddPending(_mine, bytes);
            Interlocked.Add(ref _counted, bytes);
        }
    }

    /// <summary>Releases the reservation and adds the bytes moved to the store (once).</summary>
    public async ValueTask FinishAsync()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }
        long counted = Interlocked.Exchange(ref _counted, 0);
        if (counted == 0)
        {
            return;
        }
        _ledger.AddPending(_mine, -counted);
        await _ledger.RecordAsync(_mine, counted, 0).ConfigureAwait(false);
    }

    private static async ValueTask<long> StoredAsync(SftpQuotaLedger ledger, SftpQuotaOwner owner, CancellationToken cancellationToken) =>
        (await ledger.Store.GetAsync(owner, cancellationToken).ConfigureAwait(false)).Size + ledger.Unsaved(owner).Size;
}
