using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
        TransferCaps = SftpDataTransferCaps.For(account);
    }

    /// <summary>The account's data-transfer caps; null when it has none.</summary>
    public SftpDataTransferCaps? TransferCaps { get; }

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
/// A change the store refuses (e.g. the database is down when an upload is published) is not lost: it is kept here,
/// counted by quota checks, and retried in the background (after 1 s, doubling to at most 30 s) until the store takes
/// it. At most <see cref="MaxUnsavedOwners"/> owners are kept; past that, a change is logged and dropped, and a quota
/// scan repairs the usage.
/// </summary>
internal sealed partial class SftpQuotaLedger
{
    /// <summary>Owners whose unsaved changes are kept for retry at once: 100,000.</summary>
    public const int MaxUnsavedOwners = 100_000;

    private static readonly TimeSpan s_firstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<SftpQuotaOwner, StrongLong> _pending = new();
    private readonly Dictionary<SftpQuotaOwner, (long Size, long Files)> _unsaved = new();
    private readonly Lock _unsavedGate = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private bool _retrying;

    public ISftpQuotaStore Store { get; }

    /// <summary>The clock data-transfer periods are read on.</summary>
    public TimeProvider Time => _time;

    public SftpQuotaLedger(ISftpQuotaStore store, ILogger? logger = null, TimeProvider? time = null)
    {
        Store = store;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public long Pending(SftpQuotaOwner owner) => _pending.TryGetValue(owner, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void AddPending(SftpQuotaOwner owner, long delta)
    {
        var box = _pending.GetOrAdd(owner, static _ => new StrongLong());
        Interlocked.Add(ref box.Value, delta);
    }

    /// <summary>Changes of <paramref name="owner"/> the store has not taken yet (waiting for a retry).</summary>
    public (long Size, long Files) Unsaved(SftpQuotaOwner owner)
    {
        lock (_unsavedGate)
        {
            return _unsaved.TryGetValue(owner, out var delta) ? delta : default;
        }
    }

    /// <summary>Drops the changes kept for <paramref name="owner"/>: a quota scan has just stored its measured usage.</summary>
    public void ForgetUnsaved(SftpQuotaOwner owner)
    {
        lock (_unsavedGate)
        {
            _unsaved.Remove(owner);
        }
    }

    /// <summary>Adds a change to the stored usage; when the store fails, keeps it for the background retry instead.</summary>
    public async ValueTask RecordAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta)
    {
        if (sizeDelta == 0 && filesDelta == 0)
        {
            return;
        }
        try
        {
            await Store.AddAsync(owner, sizeDelta, filesDelta, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            KeepForRetry(owner, sizeDelta, filesDelta, ex);
        }
    }

    private void KeepForRetry(SftpQuotaOwner owner, long sizeDelta, long filesDelta, Exception error)
    {
        bool start;
        lock (_unsavedGate)
        {
            if (_unsaved.TryGetValue(owner, out var delta))
            {
                _unsaved[owner] = (delta.Size + sizeDelta, delta.Files + filesDelta);
            }
            else if (_unsaved.Count < MaxUnsavedOwners)
            {
                _unsaved[owner] = (sizeDelta, filesDelta);
            }
            else
            {
                LogQuotaChangeDropped(_logger, owner.Name, sizeDelta, filesDelta);
                return;
            }
            start = !_retrying;
            _retrying = true;
        }
        LogQuotaChangeDeferred(_logger, owner.Name, sizeDelta, filesDelta, error.GetType().Name);
        if (start)
        {
            _ = Task.Run(RetryLoopAsync);
        }
    }

    private async Task RetryLoopAsync()
    {
        var delay = s_firstRetry;
        while (true)
        {
            await Task.Delay(delay, _time).ConfigureAwait(false);
            KeyValuePair<SftpQuotaOwner, (long Size, long Files)>[] batch;
            lock (_unsavedGate)
            {
                if (_unsaved.Count == 0)
                {
                    _retrying = false;
                    return;
                }
                batch = _unsaved.ToArray();
            }
            bool failed = false;
            foreach (var (owner, delta) in batch)
            {
                try
                {
                    await Store.AddAsync(owner, delta.Size, delta.Files, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed = true;
                    LogQuotaRetryFailed(_logger, owner.Name, ex.GetType().Name);
                    break;
                }
                lock (_unsavedGate)
                {
                    // Changes that arrived while this one was being saved stay for the next round.
                    if (!_unsaved.TryGetValue(owner, out var now))
                    {
                        continue; // a scan replaced the usage meanwhile
                    }
                    var rest = (now.Size - delta.Size, now.Files - delta.Files);
                    if (rest == default)
                    {
                        _unsaved.Remove(owner);
                    }
                    else
                    {
                        _unsaved[owner] = rest;
                    }
                }
                LogQuotaChangeSaved(_logger, owner.Name, delta.Size, delta.Files);
            }
            delay = failed ? TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRetry.Ticks)) : s_firstRetry;
        }
    }

    [LoggerMessage(5020, LogLevel.Warning, "Quota change of {Owner} ({SizeDelta} bytes, {FilesDelta} files) not stored ({Error}); kept for retry", EventName = "QuotaChangeDeferred")]
    private static partial void LogQuotaChangeDeferred(ILogger logger, string owner, long sizeDelta, long filesDelta, string error);

    [LoggerMessage(5021, LogLevel.Information, "Deferred quota change of {Owner} ({SizeDelta} bytes, {FilesDelta} files) stored", EventName = "QuotaChangeSaved")]
    private static partial void LogQuotaChangeSaved(ILogger logger, string owner, long sizeDelta, long filesDelta);

    [LoggerMessage(5022, LogLevel.Warning, "Retrying the quota change of {Owner} failed ({Error}); trying again later", EventName = "QuotaRetryFailed")]
    private static partial void LogQuotaRetryFailed(ILogger logger, string owner, string error);

    [LoggerMessage(5023, LogLevel.Error, "Quota change of {Owner} ({SizeDelta} bytes, {FilesDelta} files) dropped: too many unsaved owners; run a quota scan", EventName = "QuotaChangeDropped")]
    private static partial void LogQuotaChangeDropped(ILogger logger, string owner, long sizeDelta, long filesDelta);

    private sealed class StrongLong
    {
        public long Value;
    }
}
