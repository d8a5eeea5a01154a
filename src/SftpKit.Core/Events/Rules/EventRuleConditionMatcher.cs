namespace SftpKit.Events.Rules;

/// <summary>An account's groups (every membership type) and role, as conditions see them.</summary>
internal sealed record EventAccountInfo(IReadOnlyList<string> Groups, string Role)
{
    public static readonly EventAccountInfo None = new([], string.Empty);
}

/// <summary>
/// Whether a rule's conditions hold. A pattern list holds when no inverse pattern matches and, if it has plain
/// patterns, one of them matches; an empty list always holds. For groups, a plain pattern holds when any group
/// matches it and an inverse one when no group does.
/// </summary>
internal static class EventRuleConditionMatcher
{
    /// <summary>Conditions of an event-triggered rule other than groups and roles (see <see cref="MatchesAccount"/>).</summary>
    public static bool MatchesEvent(SftpEventRule rule, string eventName, SftpEvent e)
    {
        var conditions = rule.Conditions;
        var names = EventRuleTriggers.Names(rule);
        if (names is not null && !names.Contains(eventName, StringComparer.Ordinal))
        {
            return false;
        }
        if (rule.Trigger == SftpEventTrigger.Provider)
        {
            string type = e.Properties.GetValueOrDefault("object_type") ?? string.Empty;
            if (conditions.ProviderObjects.Count > 0 && !conditions.ProviderObjects.Contains(type, StringComparer.Ordinal))
            {
                return false;
            }
            return Matches(conditions.Names, [e.Properties.GetValueOrDefault("object_name") ?? string.Empty], path: false);
        }
        if (conditions.Protocols.Count > 0 && !conditions.Protocols.Contains(e.Protocol, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!Matches(conditions.Names, [e.UserName ?? string.Empty], path: false))
        {
            return false;
        }
        if (rule.Trigger == SftpEventTrigger.FileSystem)
        {
            if (e.Kind != SftpEventKind.SshCommand && !Matches(conditions.FsPaths, [e.Path ?? string.Empty], path: true))
            {
                return false;
            }
            if (e.Size is { } size && (conditions.MinFileSize > 0 && size < conditions.MinFileSize || conditions.MaxFileSize > 0 && size > conditions.MaxFileSize))
            {
                return false;
            }
        }
        return conditions.EventStatuses.Count == 0 || conditions.EventStatuses.Contains(e.Status);
    }

    /// <summary>True when the rule has group or role conditions (the account must be read).</summary>
    public static bool NeedsAccount(SftpEventRule rule) => rule.Conditions.GroupNames.Count > 0 || rule.Conditions.RoleNames.Count > 0;

    /// <summary>The group and role conditions.</summary>
    public static bool MatchesAccount(SftpEventRule rule, EventAccountInfo account)
        => Matches(rule.Conditions.GroupNames, account.Groups, path: false)
            && Matches(rule.Conditions.RoleNames, [account.Role], path: false);

    /// <summary>The name condition alone (schedule and on-demand account selection).</summary>
    public static bool MatchesName(SftpEventRule rule, string name) => Matches(rule.Conditions.Names, [name], path: false);

    public static bool Matches(IReadOnlyList<SftpEventPattern> patterns, IReadOnlyList<string> values, bool path)
    {
        if (patterns.Count == 0)
        {
            return true;
        }
        bool anyPlain = false;
        bool plainMatched = false;
        foreach (var pattern in patterns)
        {
            bool matched = false;
            foreach (var value in values)
            {
                if (EventGlob.IsMatch(pattern.Pattern, value, path))
                {
                    matched = true;
                    break;
                }
            }
            if (pattern.InverseMatch)
            {
                if (matched)
                {
                    return false;
                }
            }
            else
            {
                anyPlain = true;
                plainMatched |= matched;
            }
        }
        return !anyPlain || plainMatched;
    }
}
