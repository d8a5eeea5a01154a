using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.Admin;

/// <summary>The event actions and rules of a backup document: checked, decrypted and restored (actions before rules).</summary>
internal static class BackupEventRules
{
    // Checked whole before anything is written: names valid and unique, passwords readable with this key.
    public static (List<SftpEventAction> Actions, List<SftpEventRule> Rules) Read(List<SftpEventAction>? eventActions, List<SftpEventRule>? eventRules,
        ISftpSecretProtector? protector)
    {
        var actions = eventActions ?? [];
        var rules = eventRules ?? [];
        if (actions.Any(a => a is null || !IsValidEventName(a.Name)) || actions.GroupBy(a => a.Name, StringComparer.Ordinal).Any(g => g.Count() > 1)
            || rules.Any(r => r is null || !IsValidEventName(r.Name)) || rules.GroupBy(r => r.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            throw new InvalidDataException("Every event action and event rule in the backup needs a unique, valid name.");
        }
        foreach (var action in actions)
        {
            EventRuleRecords.Normalize(action);
            if (protector is null)
            {
                continue;
            }
            try
            {
                SftpEventActionSecrets.Unprotect(action, protector);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new InvalidDataException("An event action password in the backup does not decrypt with this server's key.", ex);
            }
        }
        foreach (var rule in rules)
        {
            EventRuleRecords.Normalize(rule);
        }
        return (actions, rules);
    }

    private static bool IsValidEventName(string? name) =>
        name is { Length: > 0 and <= 255 } && !name.Any(c => char.IsControl(c) || c is '/' or '\\');

    // Actions first: rules name them.
    public static async Task RestoreAsync(ISftpEventRuleStore store, List<SftpEventAction> actions, List<SftpEventRule> rules,
        SftpRestoreMode mode, CancellationToken cancellationToken)
    {
        foreach (var action in actions)
        {
            if (await store.FindActionAsync(action.Name, cancellationToken).ConfigureAwait(false) is null)
            {
                await store.CreateActionAsync(action, cancellationToken).ConfigureAwait(false);
            }
            else if (mode == SftpRestoreMode.Replace)
            {
                await store.UpdateActionAsync(action, cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var rule in rules)
        {
            if (await store.FindRuleAsync(rule.Name, cancellationToken).ConfigureAwait(false) is null)
            {
                await store.CreateRuleAsync(rule, cancellationToken).ConfigureAwait(false);
            }
            else if (mode == SftpRestoreMode.Replace)
            {
                await store.UpdateRuleAsync(rule, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
