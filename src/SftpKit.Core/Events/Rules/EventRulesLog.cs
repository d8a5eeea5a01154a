using Microsoft.Extensions.Logging;

namespace SftpKit.Events.Rules;

/// <summary>Log records of the rule engine (event ids 4100–4129).</summary>
internal static partial class EventRulesLog
{
    public const string CategoryName = "SftpKit.Events.Rules";

    [LoggerMessage(4100, LogLevel.Debug, "Event rule {Rule} ran for {Event} ({Status}, {DurationMs} ms)", EventName = "EventRuleRan")]
    public static partial void RuleRan(ILogger logger, string rule, string @event, SftpEventRunStatus status, long durationMs);

    [LoggerMessage(4101, LogLevel.Warning, "Event action {Action} of rule {Rule} failed: {Reason}", EventName = "EventActionFailed")]
    public static partial void ActionFailed(ILogger logger, string action, string rule, string reason, Exception? exception);

    [LoggerMessage(4102, LogLevel.Warning, "Event rule queue full (capacity {Capacity}): {Count} runs dropped since the last warning, {Total} in all", EventName = "EventRuleRunsDropped")]
    public static partial void RunsDropped(ILogger logger, int capacity, long count, long total);

    [LoggerMessage(4103, LogLevel.Information, "Scheduled run of event rule {Rule} skipped: its previous run has not ended", EventName = "EventRuleRunOverlapSkipped")]
    public static partial void OverlapSkipped(ILogger logger, string rule);

    [LoggerMessage(4104, LogLevel.Warning, "Event rule {Rule} has an invalid schedule '{Cron}' ({TimeZone}); it is ignored", EventName = "EventRuleInvalidSchedule")]
    public static partial void InvalidSchedule(ILogger logger, string rule, string cron, string timeZone);

    [LoggerMessage(4105, LogLevel.Warning, "Recording a run of event rule {Rule} failed", EventName = "EventRuleRunNotRecorded")]
    public static partial void RunNotRecorded(ILogger logger, string rule, Exception exception);

    [LoggerMessage(4106, LogLevel.Information, "Purged {Count} event rule runs older than {OlderThan}", EventName = "EventRuleRunsPurged")]
    public static partial void RunsPurged(ILogger logger, int count, DateTimeOffset olderThan);

    [LoggerMessage(4107, LogLevel.Warning, "The event rule engine could not read rules or purge runs", EventName = "EventRuleEngineFailed")]
    public static partial void EngineFailed(ILogger logger, Exception exception);

    [LoggerMessage(4108, LogLevel.Warning, "Event rule {Rule} matched more than {Max} accounts; the rest were left out", EventName = "EventRuleAccountsTruncated")]
    public static partial void AccountsTruncated(ILogger logger, string rule, int max);

    [LoggerMessage(4109, LogLevel.Information, "Pre-event {Event} denied by event rule {Rule}", EventName = "EventRuleDenied")]
    public static partial void Denied(ILogger logger, string @event, string rule);

    [LoggerMessage(4110, LogLevel.Debug, "HTTP event action {Action} answered {StatusCode}", EventName = "HttpEventActionAnswered")]
    public static partial void HttpAnswered(ILogger logger, string action, int statusCode);

    [LoggerMessage(4111, LogLevel.Warning, "Command event action {Action} killed after {TimeoutSeconds} s", EventName = "CommandEventActionKilled")]
    public static partial void CommandKilled(ILogger logger, string action, int timeoutSeconds);
}
