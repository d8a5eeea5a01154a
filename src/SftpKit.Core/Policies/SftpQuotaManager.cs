using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// Reads and recomputes quota usage. A scan walks the account's storage (regular files only), keeps the files of
/// virtual folders with their own quota apart, and stores the result with <see cref="ISftpQuotaStore.SetAsync"/>.
/// Uploads running during a scan may make it off by their size until the next scan.
/// </summary>
public sealed class SftpQuotaManager
{
    private readonly ISftpUserStore _users;
    private readonly ISftpQuotaStore _quotas;
    private readonly SftpAccountFileSystems _storage;
    private readonly SftpPolicyOptions _options;

    /// <summary>This instance's live ledger: a scan replaces the changes it still holds for retry.</summary>
    internal SftpQuotaLedger? Ledger { get; init; }

    /// <summary>Merges the account's groups in before a scan (home directory, storage and folders may come from them).</summary>
    internal SftpAccountGroupResolver? Groups { get; init; }

    /// <summary>Creates the manager.</summary>
    internal SftpQuotaManager(ISftpUserStore users, ISftpQuotaStore quotas, SftpAccountFileSystems storage, IOptions<SftpPolicyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = users;
        _quotas = quotas;
        _storage = storage;
        _options = options.Value;
    }

    /// <summary>The stored usage of an account (files in its own-quota folders excluded).</summary>
    public ValueTask<SftpQuotaUsage> GetUsageAsync(string userName, CancellationToken cancellationToken) =>
        _quotas.GetAsync(SftpQuotaOwner.User(userName), cancellationToken);

    /// <summary>Recomputes and stores the usage of an account and of its own-quota folders; null when the account does not exist.</summary>
    public async ValueTask<SftpQuotaUsage?> ScanAsync(string userName, CancellationToken cancellationToken)
    {
        var account = await _users.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return null;
        }
        if (Groups is not null)
        {
            account = (await Groups.ResolveAsync(account, cancellationToken).ConfigureAwait(false)).Account
                ?? throw new InvalidOperationException("The account's groups could not be resolved.");
        }
        var fs = await _storage.CreateAsync(account, cancellationToken).ConfigureAwait(false);
        var total = await SftpQuotaScanner.MeasureAsync(fs, VirtualPath.Root, _options.MaxScanEntries, cancellationToken).ConfigureAwait(false);
        long size = total.Size, files = total.Files;
        foreach (var folder in account.VirtualFolders.Where(f => f.HasOwnQuota))
        {
            var usage = await SftpQuotaScanner.MeasureAsync(fs, VirtualPath.Normalize(folder.VirtualPath), _options.MaxScanEntries, cancellationToken).ConfigureAwait(false);
            await _quotas.SetAsync(SftpQuotaOwner.Folder(folder.Name), usage, cancellationToken).ConfigureAwait(false);
            Ledger?.ForgetUnsaved(SftpQuotaOwner.Folder(folder.Name));
            size -= usage.Size;
            files -= usage.Files;
        }
        var own = new SftpQuotaUsage(Math.Max(0, size), Math.Max(0, files));
        await _quotas.SetAsync(SftpQuotaOwner.User(userName), own, cancellationToken).ConfigureAwait(false);
        Ledger?.ForgetUnsaved(SftpQuotaOwner.User(userName));
        return own;
    }

    /// <summary>
    /// Recomputes and stores the usage of a virtual folder from its own storage (every regular file under its root);
    /// fails with <see cref="VfsException"/> after <see cref="SftpPolicyOptions.MaxScanEntries"/> entries.
    /// </summary>
    internal async ValueTask<SftpQuotaUsage> ScanFolderAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var fs = await _storage.CreateFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        var usage = await SftpQuotaScanner.MeasureAsync(fs, VirtualPath.Root, _options.MaxScanEntries, cancellationToken).ConfigureAwait(false);
        await _quotas.SetAsync(SftpQuotaOwner.Folder(folder.Name), usage, cancellationToken).ConfigureAwait(false);
        Ledger?.ForgetUnsaved(SftpQuotaOwner.Folder(folder.Name));
        return usage;
    }
}
