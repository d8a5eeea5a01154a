using SftpKit.Accounts;
using SftpKit.Policies;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// Which accounts (or virtual folders) a maintenance action applies to. A provider event acts on the changed object
/// (an account for account actions, a folder for folder actions; nothing otherwise); any other event acts on its
/// account; a schedule or on-demand run acts on every stored account (or folder) matching the rule's name, group and
/// role patterns. At most <see cref="MaxTargets"/> objects are visited per run.
/// </summary>
internal static class EventActionTargets
{
    /// <summary>Most accounts or folders one run visits: 100,000.</summary>
    public const int MaxTargets = 100_000;

    /// <summary>Most names listed in a failure message: 20 (the rest are counted).</summary>
    public const int MaxNamesInMessage = 20;

    /// <summary>The accounts the action applies to, as stored (groups not merged).</summary>
    public static async IAsyncEnumerable<SftpAccount> AccountsAsync(SftpEventActionContext context,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var store = context.Services.GetService(typeof(ISftpUserStore)) as ISftpUserStore
            ?? throw new SftpEventActionException("no account store is registered");
        if (context.Event is { } @event)
        {
            string? name = @event.Kind == SftpEventKind.ProviderChange
                ? ProviderObject(@event, SftpProviderEvents.User)
                : context.UserName ?? @event.UserName;
            if (name is not null && await store.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } single)
            {
                yield return single;
            }
            yield break;
        }
        if (context.UserName is { } user)
        {
            if (await store.FindAsync(user, cancellationToken).ConfigureAwait(false) is { } named)
            {
                yield return named;
            }
            yield break;
        }
        var conditions = context.Rule.Conditions;
        int visited = 0;
        await foreach (var account in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (++visited > MaxTargets)
            {
                throw new SftpEventActionException($"more than {MaxTargets} accounts to check");
            }
            if (Matches(account.UserName, conditions.Names)
                && MatchesAny(account.Groups.Select(g => g.Name), conditions.GroupNames)
                && Matches(account.Role ?? string.Empty, conditions.RoleNames))
            {
                yield return account;
            }
        }
    }

    /// <summary>The folder definitions the action applies to.</summary>
    public static async IAsyncEnumerable<SftpFolder> FoldersAsync(SftpEventActionContext context,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var store = context.Services.GetService(typeof(ISftpFolderStore)) as ISftpFolderStore
            ?? throw new SftpEventActionException("no folder store is registered");
        if (context.Event is { } @event)
        {
            if (ProviderObject(@event, SftpProviderEvents.Folder) is { } name
                && await store.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } single)
            {
                yield return single;
            }
            yield break;
        }
        int visited = 0;
        await foreach (var folder in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (++visited > MaxTargets)
            {
                throw new SftpEventActionException($"more than {MaxTargets} folders to check");
            }
            if (Matches(folder.Name, context.Rule.Conditions.Names))
            {
                yield return folder;
            }
        }
    }

    /// <summary>"a, b, c and 3 more" for failure messages.</summary>
    public static string List(IReadOnlyCollection<string> names)
    {
        var shown = string.Join(", ", names.Take(MaxNamesInMessage));
        return names.Count > MaxNamesInMessage ? $"{shown} and {names.Count - MaxNamesInMessage} more" : shown;
    }

    /// <summary>
    /// Rule-pattern semantics: no patterns match everything; a plain pattern that matches is enough; an inverse pattern
    /// that matches the name (so the name is excluded) rejects it.
    /// </summary>
    public static bool Matches(string name, List<SftpEventPattern> patterns)
    {
        if (patterns.Count == 0)
        {
            return true;
        }
        bool matches = false;
        foreach (var pattern in patterns)
        {
            bool hit = Glob.IsMatch(name, pattern.Pattern);
            if (pattern.InverseMatch)
            {
                if (hit)
                {
                    return false;
                }
                matches = true;
            }
            else if (hit)
            {
                return true;
            }
        }
        return matches;
    }

    private static bool MatchesAny(IEnumerable<string> names, List<SftpEventPattern> patterns)
        => patterns.Count == 0 || names.Any(n => Matches(n, patterns));

    private static string? ProviderObject(SftpEvent @event, string objectType)
        => @event.Kind == SftpEventKind.ProviderChange
            && @event.Properties.TryGetValue("object_type", out var type) && type == objectType
            && @event.Properties.TryGetValue("object_name", out var name) && !string.IsNullOrEmpty(name)
            ? name
            : null;
}
