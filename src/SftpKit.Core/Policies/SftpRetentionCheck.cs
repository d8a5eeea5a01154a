using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// Data retention: deletes an account's files older than the policy of the directory holding them, as SFTPGo's
/// retention checks do. Only regular files are deleted (never directories or links); a file is deleted when its last
/// modification is more than the policy's hours before the start of the check. The account's storage is walked as
/// logins see it (virtual folders mounted), without permissions or file-name filters, one directory at a time:
/// memory holds one directory's batch of at most 1024 expired names plus the paths of directories still to visit;
/// the walk stops with an error after <see cref="SftpPolicyOptions.MaxScanEntries"/> entries (default 10,000,000).
/// Quota usage drops by what was deleted (for the owners whose usage is tracked), and a post-event of kind
/// <see cref="SftpEventKind.RetentionCheck"/> reports the result to the event handlers (HTTP and command actions).
/// Registered by every <c>Add*UserStore</c>.
/// </summary>
public sealed class SftpRetentionCheck
{
    /// <summary>Most policies in one check: 100.</summary>
    public const int MaxPolicies = 100;

    /// <summary>Longest retention: 876,000 hours (100 years).</summary>
    public const int MaxRetentionHours = 876_000;

    /// <summary>Most deleted files listed in <see cref="SftpRetentionResult.Deleted"/>: 1000 (all are counted).</summary>
    public const int MaxReportedDeletions = 1000;

    private const int DeleteBatch = 1024;

    private readonly ISftpUserStore _users;
    private readonly SftpAccountFileSystems _storage;

    /// <summary>Merges the account's groups in before a check by name (home directory, storage and folders may come from them).</summary>
    internal SftpAccountGroupResolver? Groups { get; init; }
    private readonly SftpPolicyOptions _options;
    private readonly ISftpQuotaStore? _quotas;
    private readonly ISftpEventDispatcher? _events;
    private readonly TimeProvider _time;

    /// <summary>Creates the service (registered by every <c>Add*UserStore</c>; resolve it from the services).</summary>
    internal SftpRetentionCheck(ISftpUserStore users, SftpAccountFileSystems storage, IOptions<SftpPolicyOptions> options,
        ISftpQuotaStore? quotas = null, ISftpEventDispatcher? events = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        _users = users;
        _storage = storage;
        _options = options.Value;
        _quotas = quotas;
        _events = events;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Checks policies before a run: every problem as (index of the policy, field name, message); empty when valid.
    /// Paths must be absolute without <c>..</c> segments or control characters and unique after normalisation.
    /// </summary>
    public static IReadOnlyList<(int Index, string Field, string Message)> Validate(IReadOnlyList<SftpRetentionPolicy?> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var problems = new List<(int, string, string)>();
        if (policies.Count == 0 || policies.Count > MaxPolicies)
        {
            problems.Add((-1, "", $"Give 1 to {MaxPolicies} policies."));
            return problems;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            if (policy is null)
            {
                problems.Add((i, "", "A policy must be an object."));
                continue;
            }
            string? path = policy.Path;
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > 4096 || path.Any(char.IsControl)
                || path.Split('/').Any(segment => segment == ".."))
            {
                problems.Add((i, "path", "The path must be absolute, at most 4096 characters, without '..' segments or control characters."));
            }
            else if (!seen.Add(VirtualPath.Normalize(path)))
            {
                problems.Add((i, "path", "Another policy has the same path."));
            }
            if (policy.Retention is < 0 or > MaxRetentionHours)
            {
                problems.Add((i, "retention", $"The retention must be 0 (keep) to {MaxRetentionHours} hours."));
            }
        }
        return problems;
    }

    /// <summary>Runs a check of the account named <paramref name="userName"/>; null when it does not exist.</summary>
    /// <exception cref="ArgumentException">The policies are not valid (see <see cref="Validate"/>).</exception>
    public async Task<SftpRetentionResult?> RunAsync(string userName, IReadOnlyList<SftpRetentionPolicy> policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var account = await _users.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        if (account is not null && Groups is not null)
        {
            account = (await Groups.ResolveAsync(account, cancellationToken).ConfigureAwait(false)).Account
                ?? throw new InvalidOperationException("The account's groups could not be resolved.");
        }
        return account is null ? null : await RunAsync(account, policies, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a check of <paramref name="account"/>'s storage.</summary>
    /// <exception cref="ArgumentException">The policies are not valid (see <see cref="Validate"/>).</exception>
    public async Task<SftpRetentionResult> RunAsync(SftpAccount account, IReadOnlyList<SftpRetentionPolicy> policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(policies);
        if (Validate(policies) is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid retention policies: " + problems[0].Message, nameof(policies));
        }
        var rules = policies.Select(p => (Path: VirtualPath.Normalize(p.Path), p.Retention)).OrderByDescending(p => p.Path.Length).ToArray();
        var startedAt = _time.GetUtcNow();
        long started = _time.GetTimestamp();
        var run = new Run(account, _options);
        IVirtualFileSystem fs = await _storage.CreateAsync(account, cancellationToken).ConfigureAwait(false);
        bool stopped = false;
        try
        {
            foreach (var (path, retention) in rules.Where(r => r.Retention > 0))
            {
                await WalkAsync(fs, rules, path, startedAt - TimeSpan.FromHours(retention), run, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VfsException)
        {
            run.Errors++;
            stopped = true;
        }
        finally
        {
            await FlushQuotaAsync(run, CancellationToken.None).ConfigureAwait(false);
            if (fs is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (fs is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        var result = new SftpRetentionResult
        {
            UserName = account.UserName,
            StartedAt = startedAt,
            CompletedAt = _time.GetUtcNow(),
            DeletedFiles = run.Files,
            DeletedBytes = run.Bytes,
            Deleted = run.Reported,
            DeletedListTruncated = run.Files > run.Reported.Count,
            Errors = run.Errors,
        };
        _events?.RaisePost(new SftpEvent
        {
            Kind = SftpEventKind.RetentionCheck,
            Protocol = SftpEventProtocol.Server,
            UserName = account.UserName,
            Size = run.Bytes,
            Elapsed = _time.GetElapsedTime(started),
            Status = run.Errors > 0 || stopped ? SftpEventStatus.Failed : SftpEventStatus.Ok,
            Error = stopped ? "The check stopped early." : run.Errors > 0 ? "Some files could not be deleted." : null,
            Timestamp = result.CompletedAt,
            Properties = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["deleted_files"] = run.Files.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["deleted_bytes"] = run.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["errors"] = run.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["policies"] = string.Join(",", policies.Select(p => p.Path + ":" + p.Retention.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            },
        });
        return result;
    }

    // Visits the directories that `root`'s policy governs (a deeper policy takes its subtree over) and deletes expired files.
    private async Task WalkAsync(IVirtualFileSystem fs, (string Path, int Retention)[] rules, string root, DateTimeOffset cutoff, Run run,
        CancellationToken cancellationToken)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        var relist = new HashSet<string>(StringComparer.Ordinal);
        var expired = new List<(string Path, long Size, DateTimeOffset Modified)>(64);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string dir = pending.Pop();
            bool filesOnly = relist.Remove(dir);
            expired.Clear();
            bool more = false;
            var subdirectories = new List<string>();
            try
            {
                await foreach (var entry in fs.ListAsync(dir, cancellationToken).ConfigureAwait(false))
                {
                    if (++run.Visited > _options.MaxScanEntries)
                    {
                        throw new VfsException(VfsError.Failure, "Too many entries to check.");
                    }
                    string path = VirtualPath.Combine(dir, entry.Name);
                    if (entry.Type == VfsFileType.Directory)
                    {
                        if (!filesOnly && Governing(rules, path) == root)
                        {
                            subdirectories.Add(path);
                        }
                    }
                    else if (entry.Type == VfsFileType.File && entry.LastWriteTime < cutoff)
                    {
                        if (expired.Count == DeleteBatch)
                        {
                            more = true;
                            continue;
                        }
                        expired.Add((path, entry.Size, entry.LastWriteTime));
                    }
                }
            }
            catch (VfsException ex) when (ex.Error != VfsError.Failure || run.Visited <= _options.MaxScanEntries)
            {
                // A policy path that does not exist has nothing to delete; other unreadable directories count as errors.
                if (ex.Error != VfsError.NotFound)
                {
                    run.Errors++;
                }
                continue;
            }
            foreach (string sub in subdirectories)
            {
                pending.Push(sub);
            }
            int deleted = 0;
            foreach (var (path, size, modified) in expired)
            {
                try
                {
                    await fs.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (VfsException)
                {
                    run.Errors++;
                    continue;
                }
                run.Deleted(path, size, modified);
                deleted++;
            }
            await FlushQuotaAsync(run, cancellationToken).ConfigureAwait(false);
            if (more && deleted > 0)
            {
                // The directory held more expired files than one batch: list it again for its files only.
                pending.Push(dir);
                relist.Add(dir);
            }
        }
    }

    private static string Governing((string Path, int Retention)[] rules, string path)
    {
        foreach (var (rulePath, _) in rules)
        {
            if (SftpPermissionSet.IsSameOrUnder(path, rulePath))
            {
                return rulePath;
            }
        }
        return "";
    }

    private async Task FlushQuotaAsync(Run run, CancellationToken cancellationToken)
    {
        if (_quotas is null)
        {
            run.QuotaDeltas.Clear();
            return;
        }
        foreach (var (owner, (size, files)) in run.QuotaDeltas)
        {
            await _quotas.AddAsync(owner, -size, -files, cancellationToken).ConfigureAwait(false);
        }
        run.QuotaDeltas.Clear();
    }

    /// <summary>The running totals of one check.</summary>
    private sealed class Run
    {
        private readonly (string Path, SftpQuotaOwner Owner, bool Tracked)[] _folders;
        private readonly SftpQuotaOwner _user;
        private readonly bool _userTracked;

        public Run(SftpAccount account, SftpPolicyOptions options)
        {
            bool Tracked(long size, long files) => options.QuotaTracking == SftpQuotaTracking.Always
                || (options.QuotaTracking == SftpQuotaTracking.OnlyLimited && (size > 0 || files > 0));
            _user = SftpQuotaOwner.User(account.UserName);
            _userTracked = Tracked(account.QuotaSize, account.QuotaFiles);
            _folders = account.VirtualFolders.Where(f => f.HasOwnQuota)
                .Select(f => (VirtualPath.Normalize(f.VirtualPath), SftpQuotaOwner.Folder(f.Name), Tracked(f.QuotaSize, f.QuotaFiles)))
                .OrderByDescending(f => f.Item1.Length).ToArray();
        }

        public long Visited;
        public long Files;
        public long Bytes;
        public int Errors;
        public List<SftpRetentionDeletion> Reported { get; } = [];
        public Dictionary<SftpQuotaOwner, (long Size, long Files)> QuotaDeltas { get; } = [];

        public void Deleted(string path, long size, DateTimeOffset modified)
        {
            Files++;
            Bytes += size;
            if (Reported.Count < MaxReportedDeletions)
            {
                Reported.Add(new SftpRetentionDeletion(path, size, modified));
            }
            var (owner, tracked) = (_user, _userTracked);
            foreach (var folder in _folders)
            {
                if (SftpPermissionSet.IsSameOrUnder(path, folder.Path))
                {
                    (owner, tracked) = (folder.Owner, folder.Tracked);
                    break;
                }
            }
            if (tracked)
            {
                var (s, f) = QuotaDeltas.GetValueOrDefault(owner);
                QuotaDeltas[owner] = (s + size, f + 1);
            }
        }
    }
}
