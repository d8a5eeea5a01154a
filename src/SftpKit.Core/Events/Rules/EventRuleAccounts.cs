using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Events.Rules;

/// <summary>
/// Accounts as rules see them: groups and role for conditions (from the event's <c>groups</c> (comma-separated) and
/// <c>role</c> properties when present, else the account store merged with the account's groups, cached for
/// <see cref="SftpEventRuleOptions.AccountCacheDuration"/>, at most <see cref="SftpEventRuleOptions.AccountCacheSize"/>
/// entries), the accounts a schedule applies to, and an account's storage for actions.
/// </summary>
internal sealed class EventRuleAccounts
{
    private readonly IServiceProvider _services;
    private readonly SftpEventRuleOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (EventAccountInfo Info, long At)> _cache = new(StringComparer.Ordinal);

    public EventRuleAccounts(IServiceProvider services, IOptions<SftpEventRuleOptions> options, TimeProvider time)
    {
        _services = services;
        _options = options.Value;
        _time = time;
    }

    private ISftpUserStore? Users => _services.GetService<ISftpUserStore>();

    public async ValueTask<EventAccountInfo> GetInfoAsync(string? userName, SftpEvent? e, CancellationToken cancellationToken)
    {
        if (e is not null && (e.Properties.ContainsKey("groups") || e.Properties.ContainsKey("role")))
        {
            var groups = (e.Properties.GetValueOrDefault("groups") ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new EventAccountInfo(groups, e.Properties.GetValueOrDefault("role") ?? string.Empty);
        }
        if (string.IsNullOrEmpty(userName))
        {
            return EventAccountInfo.None;
        }
        if (_cache.TryGetValue(userName, out var cached) && _time.GetElapsedTime(cached.At) < _options.AccountCacheDuration)
        {
            return cached.Info;
        }
        var account = await FindAsync(userName, cancellationToken).ConfigureAwait(false);
        var info = account is null ? EventAccountInfo.None : InfoOf(account);
        if (_options.AccountCacheDuration > TimeSpan.Zero)
        {
            if (_cache.Count >= _options.AccountCacheSize)
            {
                _cache.Clear();
            }
            _cache[userName] = (info, _time.GetTimestamp());
        }
        return info;
    }

    /// <summary>The account with its groups merged in; null when unknown, not in a store, or its groups cannot be resolved.</summary>
    public async ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        if (Users is not { } users)
        {
            return null;
        }
        var account = await users.FindAsync(userName, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return null;
        }
        var resolver = _services.GetService<SftpAccountGroupResolver>() ?? new SftpAccountGroupResolver(_services.GetService<ISftpGroupStore>());
        return (await resolver.ResolveAsync(account, cancellationToken).ConfigureAwait(false)).Account;
    }

    /// <summary>
    /// The accounts matching the rule's name, group and role conditions, read one at a time from the store; stops after
    /// <see cref="SftpEventRuleOptions.MaxAccountsPerRun"/> (Truncated is then true).
    /// </summary>
    public async Task<(List<string> Names, bool Truncated)> SelectAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (Users is not { } users)
        {
            return (names, false);
        }
        bool needsAccount = EventRuleConditionMatcher.NeedsAccount(rule);
        var resolver = _services.GetService<SftpAccountGroupResolver>() ?? new SftpAccountGroupResolver(_services.GetService<ISftpGroupStore>());
        await foreach (var account in users.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!EventRuleConditionMatcher.MatchesName(rule, account.UserName))
            {
                continue;
            }
            if (needsAccount)
            {
                var effective = (await resolver.ResolveAsync(account, cancellationToken).ConfigureAwait(false)).Account;
                if (effective is null || !EventRuleConditionMatcher.MatchesAccount(rule, InfoOf(effective)))
                {
                    continue;
                }
            }
            if (names.Count >= _options.MaxAccountsPerRun)
            {
                return (names, true);
            }
            names.Add(account.UserName);
        }
        return (names, false);
    }

    /// <summary>
    /// Opens the account's storage as its logins see it (root storage and virtual folders, built by the same factory),
    /// with no permission or file-name filter applied.
    /// </summary>
    public Func<CancellationToken, ValueTask<IVirtualFileSystem>>? Opener(string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return null;
        }
        return async cancellationToken =>
        {
            var account = await FindAsync(userName, cancellationToken).ConfigureAwait(false)
                ?? throw new SftpEventActionException("the account does not exist in the account store");
            var storage = _services.GetService<SftpAccountFileSystems>()
                ?? throw new SftpEventActionException("no account storage is registered");
            return await storage.CreateAsync(account, cancellationToken).ConfigureAwait(false);
        };
    }

    private static EventAccountInfo InfoOf(SftpAccount account)
        => new(account.Groups.Select(g => g.Name).ToArray(), account.Role ?? string.Empty);
}
