using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SftpKit.Events.Rules;

/// <summary>
/// Runs a rule's actions in order: each through the executor registered for its type (the last registered wins),
/// skipping the remaining non-failure actions after a stop-on-failure action failed, running failure actions only
/// after a failure, and per-account actions once per selected account in schedule and on-demand runs. Records the
/// run in the <see cref="ISftpEventRunStore"/>.
/// </summary>
internal sealed class EventRuleRunner
{
    private static readonly ActivitySource s_activity = new("SftpKit");
    private readonly IServiceProvider _services;
    private readonly EventRuleAccounts _accounts;
    private readonly ISftpEventRunStore _runs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Dictionary<SftpEventActionType, ISftpEventActionExecutor>? _executors;

    public EventRuleRunner(IServiceProvider services, EventRuleAccounts accounts, ISftpEventRunStore runs, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _services = services;
        _accounts = accounts;
        _runs = runs;
        _time = time;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
    }

    /// <summary>Action types that act on one account: in schedule and on-demand runs they run once per selected account.</summary>
    public static bool IsPerAccount(SftpEventActionType type) => type is SftpEventActionType.DataRetentionCheck or SftpEventActionType.FileSystem
        or SftpEventActionType.UserQuotaReset or SftpEventActionType.TransferQuotaReset;

    // Resolved on first use: executors may depend on services (the retention check) that depend on the dispatcher,
    // which depends on the engine.
    private Dictionary<SftpEventActionType, ISftpEventActionExecutor> Executors
    {
        get
        {
            if (_executors is null)
            {
                var map = new Dictionary<SftpEventActionType, ISftpEventActionExecutor>();
                foreach (var executor in _services.GetServices<ISftpEventActionExecutor>())
                {
                    map[executor.Type] = executor;
                }
                _executors = map;
            }
            return _executors;
        }
    }

    public async Task RunAsync(EventRuleInvocation invocation, IEnumerable<SftpEventRuleAction> actions, CancellationToken cancellationToken)
    {
        foreach (var ruleAction in actions)
        {
            if (invocation.Stopped && !ruleAction.IsFailureAction)
            {
                invocation.Run.Actions.Add(new SftpEventRunAction { Name = ruleAction.Name, Status = SftpEventRunStatus.Skipped });
                continue;
            }
            var record = await RunOneAsync(invocation, ruleAction, cancellationToken).ConfigureAwait(false);
            invocation.Run.Actions.Add(record);
            if (record.Status == SftpEventRunStatus.Failed && !ruleAction.IsFailureAction)
            {
                invocation.Failed = true;
                invocation.Stopped |= ruleAction.StopOnFailure;
            }
        }
    }

    /// <summary>Runs the failure actions when something failed, then records the run.</summary>
    public async Task<SftpEventRun> FinishAsync(EventRuleInvocation invocation, CancellationToken cancellationToken)
    {
        if (invocation.Failed)
        {
            await RunAsync(invocation, invocation.FailureActions, cancellationToken).ConfigureAwait(false);
        }
        return await RecordAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>Marks what was not run as skipped (a full queue) and records the run.</summary>
    public Task<SftpEventRun> AbandonAsync(EventRuleInvocation invocation)
    {
        foreach (var ruleAction in invocation.AsyncActions.Concat(invocation.Failed ? invocation.FailureActions : []))
        {
            invocation.Run.Actions.Add(new SftpEventRunAction { Name = ruleAction.Name, Status = SftpEventRunStatus.Skipped, Error = "queue full" });
        }
        invocation.Failed = true;
        return RecordAsync(invocation);
    }

    private async Task<SftpEventRun> RecordAsync(EventRuleInvocation invocation)
    {
        var run = invocation.Run;
        run.Duration = _time.GetElapsedTime(invocation.StartTimestamp);
        run.Status = invocation.Failed ? SftpEventRunStatus.Failed
            : run.Actions.Count > 0 && run.Actions.All(a => a.Status == SftpEventRunStatus.Skipped) ? SftpEventRunStatus.Skipped
            : SftpEventRunStatus.Ok;
        EventRulesLog.RuleRan(_logger, run.Rule, run.Event, run.Status, (long)run.Duration.TotalMilliseconds);
        try
        {
            await _runs.AddAsync(run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            EventRulesLog.RunNotRecorded(_logger, run.Rule, ex);
        }
        return run;
    }

    private async Task<SftpEventRunAction> RunOneAsync(EventRuleInvocation invocation, SftpEventRuleAction ruleAction, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        var record = new SftpEventRunAction { Name = ruleAction.Name, Status = SftpEventRunStatus.Ok };
        using var activity = s_activity.StartActivity("sftpkit.event_action", ActivityKind.Internal);
        activity?.SetTag("sftpkit.rule", invocation.Rule.Name);
        activity?.SetTag("sftpkit.action", ruleAction.Name);
        try
        {
            if (!invocation.Actions.TryGetValue(ruleAction.Name, out var action))
            {
                throw new SftpEventActionException("the action does not exist");
            }
            activity?.SetTag("sftpkit.action_type", action.Type.ToString());
            if (!Executors.TryGetValue(action.Type, out var executor))
            {
                throw new SftpEventActionException($"no executor is registered for {action.Type} actions");
            }
            if (invocation.Accounts is { } accounts && IsPerAccount(action.Type))
            {
                int failures = 0;
                foreach (var account in accounts)
                {
                    try
                    {
                        await ExecuteAsync(invocation, action, executor, account, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        failures++;
                        EventRulesLog.ActionFailed(_logger, action.Name, invocation.Rule.Name, Reason(ex), ex is SftpEventActionException ? null : ex);
                    }
                }
                if (failures > 0)
                {
                    throw new SftpEventActionException($"the action failed for {failures} of {accounts.Count} accounts");
                }
            }
            else
            {
                await ExecuteAsync(invocation, action, executor, invocation.UserName, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            record.Status = SftpEventRunStatus.Failed;
            record.Error = cancellationToken.IsCancellationRequested && ex is OperationCanceledException ? "timed out or cancelled" : Reason(ex);
            activity?.SetStatus(ActivityStatusCode.Error, record.Error);
            EventRulesLog.ActionFailed(_logger, ruleAction.Name, invocation.Rule.Name, record.Error, ex is SftpEventActionException or OperationCanceledException ? null : ex);
        }
        record.Duration = _time.GetElapsedTime(started);
        return record;
    }

    private async Task ExecuteAsync(EventRuleInvocation invocation, SftpEventAction action, ISftpEventActionExecutor executor, string? userName,
        CancellationToken cancellationToken)
    {
        string? role = invocation.Role;
        if (!string.Equals(userName, invocation.UserName, StringComparison.Ordinal) && userName is not null)
        {
            role = (await _accounts.GetInfoAsync(userName, null, cancellationToken).ConfigureAwait(false)).Role;
        }
        var placeholders = EventPlaceholders.Build(invocation.Rule, invocation.EventName, invocation.Event, userName, role, _time.GetUtcNow(), invocation.Run.Id);
        var context = new SftpEventActionContext(invocation.Rule, action, invocation.Event, userName, placeholders, _services, _accounts.Opener(userName));
        await executor.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
    }

    private static string Reason(Exception ex) => ex switch
    {
        SftpEventActionException => ex.Message,
        OperationCanceledException => "timed out or cancelled",
        _ => "action failed",
    };
}
