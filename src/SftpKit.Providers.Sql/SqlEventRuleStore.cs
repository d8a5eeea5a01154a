using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.Providers.Sql;

/// <summary>
/// Event rules and actions in the SQL database (tables <c>event_rules</c>, <c>event_actions</c> and
/// <c>event_rule_actions</c>, schema version 8; conditions, rule actions and action settings as camelCase JSON), shared
/// by every instance on it. Registered by <c>AddSqlUserStore</c> in place of the in-memory rule store. Deleting an
/// action a rule names is refused in the same statement that would delete it. With a secret protector, action
/// passwords (<see cref="SftpEventActionSecrets"/>) are stored protected. With
/// <see cref="SqlStoreOptions.ReadOnlyAccounts"/> every call throws <see cref="NotSupportedException"/>.
/// </summary>
public sealed class SqlEventRuleStore : ISftpEventRuleStore
{
    private const string RuleColumns = "name, description, enabled, trigger_kind, conditions, actions, created_at, updated_at";
    private const string ActionColumns = "name, description, action_type, settings";

    private readonly SqlDatabase _db;
    private readonly ISftpSecretProtector? _protector;

    /// <summary>Creates a store over its own connections (the schema is migrated on first use unless turned off).</summary>
    /// <param name="options">The database.</param>
    /// <param name="logger">Migration log lines; none when null.</param>
    /// <param name="time">The clock for the change times; the system clock when null.</param>
    /// <param name="secretProtector">Protects action passwords at rest; null (default) stores them as given.</param>
    public SqlEventRuleStore(SqlStoreOptions options, ILogger<SqlEventRuleStore>? logger = null, TimeProvider? time = null, ISftpSecretProtector? secretProtector = null)
        : this(new SqlDatabase(options, logger, time), secretProtector)
    {
    }

    internal SqlEventRuleStore(SqlDatabase database, ISftpSecretProtector? secretProtector = null)
    {
        _db = database;
        _protector = secretProtector;
    }

    /// <inheritdoc/>
    public async ValueTask<SftpEventRule?> FindRuleAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {RuleColumns} FROM event_rules WHERE name = @name");
        SqlDatabase.AddParameter(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRule(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpEventRule> ListRulesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        var rules = new List<SftpEventRule>();
        await using (var connection = await _db.OpenAsync(cancellationToken))
        {
            await using var command = _db.Command(connection, $"SELECT {RuleColumns} FROM event_rules");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rules.Add(ReadRule(reader));
            }
        }
        // Sorted here: a database's collation need not be ordinal.
        foreach (var rule in rules.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            yield return rule;
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        CheckName(rule?.Name, "rule");
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = _db.Command(connection,
            $"INSERT INTO event_rules ({RuleColumns}) VALUES (@name, @description, @enabled, @trigger_kind, @conditions, @actions, @now, @now)", transaction))
        {
            BindRule(command, rule!);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
            {
                throw new InvalidOperationException("An event rule with this name exists.", e);
            }
        }
        await InsertUsesAsync(connection, transaction, rule!, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateRuleAsync(SftpEventRule rule, CancellationToken cancellationToken)
    {
        CheckName(rule?.Name, "rule");
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = _db.Command(connection,
            "UPDATE event_rules SET description = @description, enabled = @enabled, trigger_kind = @trigger_kind, conditions = @conditions, "
            + "actions = @actions, updated_at = @now WHERE name = @name", transaction))
        {
            BindRule(command, rule!);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false; // Rolled back when disposed.
            }
        }
        await DeleteUsesAsync(connection, transaction, rule!.Name, cancellationToken);
        await InsertUsesAsync(connection, transaction, rule, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteRuleAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await DeleteUsesAsync(connection, transaction, name, cancellationToken);
        int deleted;
        await using (var command = _db.Command(connection, "DELETE FROM event_rules WHERE name = @name", transaction))
        {
            SqlDatabase.AddParameter(command, "name", name);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<SftpEventAction?> FindActionAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection, $"SELECT {ActionColumns} FROM event_actions WHERE name = @name");
        SqlDatabase.AddParameter(command, "name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAction(reader) : null;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpEventAction> ListActionsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RefuseWhenReadOnly();
        var actions = new List<SftpEventAction>();
        await using (var connection = await _db.OpenAsync(cancellationToken))
        {
            await using var command = _db.Command(connection, $"SELECT {ActionColumns} FROM event_actions");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                actions.Add(ReadAction(reader));
            }
        }
        foreach (var action in actions.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            yield return action;
        }
    }

    /// <inheritdoc/>
    public async ValueTask CreateActionAsync(SftpEventAction action, CancellationToken cancellationToken)
    {
        CheckName(action?.Name, "action");
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            $"INSERT INTO event_actions ({ActionColumns}, created_at, updated_at) VALUES (@name, @description, @action_type, @settings, @now, @now)");
        BindAction(command, action!);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (_db.Dialect.IsUniqueViolation(e))
        {
            throw new InvalidOperationException("An event action with this name exists.", e);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> UpdateActionAsync(SftpEventAction action, CancellationToken cancellationToken)
    {
        CheckName(action?.Name, "action");
        await using var connection = await _db.OpenAsync(cancellationToken);
        await using var command = _db.Command(connection,
            "UPDATE event_actions SET description = @description, action_type = @action_type, settings = @settings, updated_at = @now WHERE name = @name");
        BindAction(command, action!);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteActionAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        RefuseWhenReadOnly();
        // One statement: an action a rule names is never deleted, whatever other instances do meanwhile.
        int deleted = await _db.ExecuteAsync(
            "DELETE FROM event_actions WHERE name = @name AND NOT EXISTS (SELECT 1 FROM event_rule_actions WHERE action_name = @name)",
            cancellationToken, ("name", name));
        if (deleted > 0)
        {
            return true;
        }
        if (await FindActionAsync(name, cancellationToken) is not null)
        {
            throw new InvalidOperationException("The event action is used by a rule.");
        }
        return false;
    }

    private void CheckName(string? name, string what)
    {
        RefuseWhenReadOnly();
        if (name is null || name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException($"An event {what} name has 1–255 characters, without control characters, '/' or '\\'.", what);
        }
    }

    private void RefuseWhenReadOnly()
    {
        if (_db.ReadOnly is not null)
        {
            throw new NotSupportedException("The SQL store is in read-only mode (ReadOnlyAccounts): it keeps no event rules.");
        }
    }

    private async Task InsertUsesAsync(DbConnection connection, DbTransaction transaction, SftpEventRule rule, CancellationToken cancellationToken)
    {
        foreach (string action in (rule.Actions ?? []).Select(a => a?.Name).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await using var command = _db.Command(connection, "INSERT INTO event_rule_actions (rule_name, action_name) VALUES (@rule, @action)", transaction);
            SqlDatabase.AddParameter(command, "rule", rule.Name);
            SqlDatabase.AddParameter(command, "action", action);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task DeleteUsesAsync(DbConnection connection, DbTransaction transaction, string rule, CancellationToken cancellationToken)
    {
        await using var command = _db.Command(connection, "DELETE FROM event_rule_actions WHERE rule_name = @rule", transaction);
        SqlDatabase.AddParameter(command, "rule", rule);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void BindRule(DbCommand command, SftpEventRule rule)
    {
        SqlDatabase.AddParameter(command, "name", rule.Name);
        SqlDatabase.AddParameter(command, "description", rule.Description);
        SqlDatabase.AddParameter(command, "enabled", rule.Enabled ? 1 : 0);
        SqlDatabase.AddParameter(command, "trigger_kind", (int)rule.Trigger);
        SqlDatabase.AddParameter(command, "conditions", SqlAccountColumns.ToJson(rule.Conditions ?? new SftpEventRuleConditions()));
        SqlDatabase.AddParameter(command, "actions", SqlAccountColumns.ToJson(rule.Actions ?? []));
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private void BindAction(DbCommand command, SftpEventAction action)
    {
        var settings = (action.Options ?? new SftpEventActionSettings()).Clone();
        if (_protector is not null)
        {
            SftpEventActionSecrets.Protect(new SftpEventAction { Options = settings }, _protector);
        }
        SqlDatabase.AddParameter(command, "name", action.Name);
        SqlDatabase.AddParameter(command, "description", action.Description);
        SqlDatabase.AddParameter(command, "action_type", (int)action.Type);
        SqlDatabase.AddParameter(command, "settings", SqlAccountColumns.ToJson(settings));
        SqlDatabase.AddParameter(command, "now", _db.Now);
    }

    private static SftpEventRule ReadRule(DbDataReader reader) => new()
    {
        Name = reader.GetString(0),
        Description = SqlAccountColumns.String(reader, 1),
        Enabled = SqlAccountColumns.Int(reader, 2) != 0,
        Trigger = (SftpEventTrigger)SqlAccountColumns.Int(reader, 3),
        Conditions = SqlAccountColumns.FromJson<SftpEventRuleConditions>(reader, 4) ?? new SftpEventRuleConditions(),
        Actions = SqlAccountColumns.FromJson<List<SftpEventRuleAction>>(reader, 5) ?? [],
        CreatedAt = SqlAccountColumns.Time(reader, 6) ?? default,
        UpdatedAt = SqlAccountColumns.Time(reader, 7) ?? default,
    };

    private SftpEventAction ReadAction(DbDataReader reader)
    {
        var action = new SftpEventAction
        {
            Name = reader.GetString(0),
            Description = SqlAccountColumns.String(reader, 1),
            Type = (SftpEventActionType)SqlAccountColumns.Int(reader, 2),
            Options = SqlAccountColumns.FromJson<SftpEventActionSettings>(reader, 3) ?? new SftpEventActionSettings(),
        };
        if (_protector is not null)
        {
            SftpEventActionSecrets.Unprotect(action, _protector);
        }
        return action;
    }
}
