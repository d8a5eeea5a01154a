using System.Collections.Concurrent;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>The quota that governs one path: its owner, limits, and whether usage is tracked.</summary>
internal readonly record struct QuotaScope(SftpQuotaOwner Owner, long SizeLimit, long FilesLimit, bool Tracked)
{
    public bool Limited => SizeLimit > 0 || FilesLimit > 0;
}

/// <summary>
/// Everything the policy file system needs to decide for one account, resolved once per connection from the
/// account record: permissions, file-name filters, quota scopes, transfer limits and bandwidth buckets.
/// </summary>
internal sealed class SftpAccountPolicy
{
    private readonly (string Path, QuotaScope Scope)[] _folderScopes;

    public SftpAccountPolicy(SftpAccount account, SftpPolicyOptions options, SftpBandwidthLimiter bandwidth)
    {
        Account = account;
        Permissions = new SftpPermissionSet(account.Permissions);
        FileNames = new SftpFileNameFilter(account.FilePatterns);
        UserScope = MakeScope(SftpQuotaOwner.User(account.UserName), account.QuotaSize, account.QuotaFiles, options.QuotaTracking);
        _folderScopes = account.VirtualFolders
            .Where(f => f.HasOwnQuota)
            .Select(f => (VirtualPath.Normalize(f.VirtualPath),
                MakeScope(SftpQuotaOwner.Folder(f.Name), f.QuotaSize, f.QuotaFiles, options.QuotaTracking)))
            .OrderByDescending(e => e.Item1.Length)
            .ToArray();
        UploadBuckets = bandwidth.For(account.UserName, upload: true, account.UploadBandwidth);
        DownloadBuckets = bandwidth.For(account.UserName, upload: false, account.DownloadBandwidth);
    }

    public SftpAccount Account { get; }

    public string UserName => Account.UserName;

    public SftpPermissionSet Permissions { get; }

    public SftpFileNameFilter FileNames { get; }

    public QuotaScope UserScope { get; }

    public long MaxUploadFileSize => Account.MaxUploadFileSize;

    public SftpTokenBucket[] UploadBuckets { get; }

    public SftpTokenBucket[] DownloadBuckets { get; }

    public QuotaScope QuotaFor(string path)
    {
        foreach (var (folder, scope) in _folderScopes)
        {
            if (SftpPermissionSet.IsSameOrUnder(path, folder))
            {
                return scope;
            }
        }
        return UserScope;
    }

    private static QuotaScope MakeScope(SftpQuotaOwner owner, long size, long files, SftpQuotaTracking tracking)
    {
        bool limited = size > 0 || files > 0;
        bool tracked = tracking == SftpQuotaTracking.Always || (tracking == SftpQuotaTracking.OnlyLimited && limited);
        return new QuotaScope(owner, tracked ? size : 0, tracked ? files : 0, tracked);
    }
}

/// <summary>
/// Live quota accounting on this instance: stored usage (from <see cref="ISftpQuotaStore"/>) plus the growth of
/// uploads still in progress, so concurrent uploads of one account cannot together overrun its quota here.
/// </summary>
internal sealed class SftpQuotaLedger
{
    private readonly ConcurrentDictionary<SftpQuotaOwner, StrongLong> _pending = new();

    public ISftpQuotaStore Store { get; }

    public SftpQuotaLedger(ISftpQuotaStore store) => Store = store;

    public long Pending(SftpQuotaOwner owner) => _pending.TryGetValue(owner, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void AddPending(SftpQuotaOwner owner, long delta)
    {
        var box = _pending.GetOrAdd(owner, static _ => new StrongLong());
        Interlocked.Add(ref box.Value, delta);
    }

    private sealed class StrongLong
    {
        public long Value;
    }
}
