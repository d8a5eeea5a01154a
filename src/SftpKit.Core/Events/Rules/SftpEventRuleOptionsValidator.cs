using SftpKit.Sessions;

namespace SftpKit.Events.Rules;

/// <summary>Collects every problem in <see cref="SftpEventRuleOptions"/> at once.</summary>
internal sealed class SftpEventRuleOptionsValidator : SftpOptionsValidator<SftpEventRuleOptions>
{
    protected override void Check(SftpEventRuleOptions options, List<string> errors)
    {
        Range(errors, options.QueueCapacity, 1, 1024 * 1024, "QueueCapacity");
        Range(errors, options.Concurrency, 1, 256, "Concurrency");
        Range(errors, options.AccountCacheSize, 1, 1024 * 1024, "AccountCacheSize");
        Range(errors, options.MaxAccountsPerRun, 1, 1_000_000, "MaxAccountsPerRun");
        Range(errors, options.MaxRunRecords, 1, 1_000_000, "MaxRunRecords");
        if (options.RunTimeout <= TimeSpan.Zero)
        {
            errors.Add("EventRules.RunTimeout must be positive.");
        }
        if (options.CacheDuration < TimeSpan.Zero || options.CacheDuration > TimeSpan.FromHours(1))
        {
            errors.Add("EventRules.CacheDuration must be between 0 and 1 hour.");
        }
        if (options.AccountCacheDuration < TimeSpan.Zero || options.AccountCacheDuration > TimeSpan.FromHours(1))
        {
            errors.Add("EventRules.AccountCacheDuration must be between 0 and 1 hour.");
        }
        if (options.RunRetention < TimeSpan.FromMinutes(1))
        {
            errors.Add("EventRules.RunRetention must be at least 1 minute.");
        }
        if (options.PurgeInterval < TimeSpan.FromMinutes(1) || options.PurgeInterval > TimeSpan.FromDays(1))
        {
            errors.Add("EventRules.PurgeInterval must be between 1 minute and 1 day.");
        }
        if (options.HttpRetryDelay < TimeSpan.FromMilliseconds(1) || options.HttpRetryDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add("EventRules.HttpRetryDelay must be between 1 millisecond and 1 minute.");
        }
        if (options.WarningInterval < TimeSpan.Zero)
        {
            errors.Add("EventRules.WarningInterval must not be negative.");
        }
        foreach (var command in options.AllowedCommands ?? [])
        {
            if (string.IsNullOrWhiteSpace(command) || !Path.IsPathFullyQualified(command))
            {
                errors.Add($"EventRules.AllowedCommands entries must be absolute paths ('{command}' is not).");
            }
        }
    }

    private static void Range(List<string> errors, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"EventRules.{name} must be between {min} and {max}.");
        }
    }
}
