using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore;

/// <summary>Checks <see cref="SftpAdminOptions"/> at start, all problems at once, each naming its configuration key.</summary>
internal sealed class SftpAdminOptionsValidator : IValidateOptions<SftpAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpAdminOptions options)
    {
        var failures = new List<string>();
        InRange(failures, options.MaxRequestBodySize, 1024, 64L * 1024 * 1024, "SftpKit:Admin:MaxRequestBodySize must be from 1 KiB to 64 MiB.");
        InRange(failures, options.MaxRestoreBodySize, 1024, 1024L * 1024 * 1024, "SftpKit:Admin:MaxRestoreBodySize must be from 1 KiB to 1 GiB.");
        InRange(failures, options.MaxConcurrentQuotaScans, 1, 256, "SftpKit:Admin:MaxConcurrentQuotaScans must be from 1 to 256.");
        InRange(failures, options.QuotaScanHistory, 0, 100_000, "SftpKit:Admin:QuotaScanHistory must be from 0 to 100000.");
        InRange(failures, options.MaxPageSize, 1, 100_000, "SftpKit:Admin:MaxPageSize must be from 1 to 100000.");
        InRange(failures, options.MaxConcurrentRetentionChecks, 1, 64, "SftpKit:Admin:MaxConcurrentRetentionChecks must be from 1 to 64.");
        InRange(failures, options.RetentionCheckHistory, 0, 10_000, "SftpKit:Admin:RetentionCheckHistory must be from 0 to 10000.");
        InRange(failures, options.LoginAttemptLimit, 0, 10_000, "SftpKit:Admin:LoginAttemptLimit must be from 0 (off) to 10000.");
        InRange(failures, options.LoginAttemptWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), "SftpKit:Admin:LoginAttemptWindow must be from 1 second to 24 hours.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void InRange<T>(List<string> failures, T value, T min, T max, string message)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            failures.Add(message);
        }
    }
}
