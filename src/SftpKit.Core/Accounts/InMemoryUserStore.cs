using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using SftpKit.Networking;

namespace SftpKit.Accounts;

/// <summary>
/// Accounts and quota usage held in process memory: for tests, host apps that build accounts in code, and as the
/// quota store of the JSON-file store. Thread-safe; every read returns a copy. Created and updated accounts are kept
/// with their <see cref="SftpAccount.AllowedIPs"/> and <see cref="SftpAccount.DeniedIPs"/> in normalised form
/// (<see cref="SftpNetwork"/>: <c>10.1.2.3/8</c> is kept as <c>10.0.0.0/8</c>).
/// </summary>
public sealed class InMemoryUserStore : ISftpUserStore, ISftpQuotaStore
{
    private readonly ConcurrentDictionary<string, SftpAccount> _accounts = new(StringComparer.Ordinal);
    private readonly InMemoryQuotaStore _usage = new();

    /// <summary>Creates an empty store.</summary>
    public InMemoryUserStore()
    {
    }

    /// <summary>Creates a store holding copies of <paramref name="accounts"/>.</summary>
    public InMemoryUserStore(IEnumerable<SftpAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        foreach (var account in accounts)
        {
            _accounts[account.UserName] = account.Clone();
        }
    }

    /// <summary>Raised after any account changes, with the user name (used to invalidate caches).</summary>
    public event Action<string>? Changed;

    /// <summary>Replaces every account at once (used by the JSON-file store on reload).</summary>
    public void ReplaceAll(IEnumerable<SftpAccount> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var fresh = accounts.ToDictionary(a => a.UserName, a => a.Clone(), StringComparer.Ordinal);
        foreach (string name in _accounts.Keys)
        {
            if (!fresh.ContainsKey(name))
            {
                _accounts.TryRemove(name, out _);
                Changed?.Invoke(name);
            }
        }
        foreach (var (name, account) in fresh)
        {
            _accounts[name] = account;
            Changed?.Invoke(name);
        }
    }

    /// <summary>Copies of every account (used by the JSON-file store to save).</summary>
    public IReadOnlyList<SftpAccount> Snapshot() =>
        _accounts.Values.OrderBy(a => a.UserName, StringComparer.Ordinal).Select(a => a.Clone()).ToList();

    /// <inheritdoc/>
    public ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_accounts.TryGetValue(userName, out var a) ? a.Clone() : null);

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpAccount> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var account in Snapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return account;
        }
    }

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!_accounts.TryAdd(account.UserName, Stored(account)))
        {
            throw new InvalidOperationException("The user name is taken.");
        }
        Changed?.Invoke(account.UserName);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        while (_accounts.TryGetValue(account.UserName, out var current))
        {
            if (_accounts.TryUpdate(account.UserName, Stored(account), current))
            {
                Changed?.Invoke(account.UserName);
                return ValueTask.FromResult(true);
            }
        }
        return ValueTask.FromResult(false);
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken)
    {
        bool removed = _accounts.TryRemove(userName, out _);
        if (removed)
        {
            Changed?.Invoke(userName);
        }
        return ValueTask.FromResult(removed);
    }

    /// <inheritdoc/>
    public ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken)
    {
        while (_accounts.TryGetValue(userName, out var current) && current.PasswordHash == expectedOldHash)
        {
            var updated = current.Clone();
            updated.PasswordHash = newHash;
            if (_accounts.TryUpdate(userName, updated, current))
            {
                Changed?.Invoke(userName);
                break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken)
    {
        while (_accounts.TryGetValue(userName, out var current))
        {
            var updated = current.Clone();
            updated.LastLogin = time;
            if (_accounts.TryUpdate(userName, updated, current))
            {
                break;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken) => _usage.GetAsync(owner, cancellationToken);

    /// <inheritdoc/>
    public ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken) =>
        _usage.AddAsync(owner, sizeDelta, filesDelta, cancellationToken);

    /// <inheritdoc/>
    public ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken) => _usage.SetAsync(owner, usage, cancellationToken);

    /// <summary>The copy a save keeps: networks normalised, so the JSON file store writes what the server matches.</summary>
    private static SftpAccount Stored(SftpAccount account)
    {
        var copy = account.Clone();
        copy.AllowedIPs = SftpNetworkList.Normalize(copy.AllowedIPs);
        copy.DeniedIPs = SftpNetworkList.Normalize(copy.DeniedIPs);
        return copy;
    }
}
