using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore;

/// <summary>Checks <see cref="SftpAdminOptions"/> at start, all problems at once, each naming its configuration key.</summary>
internal sealed class SftpAdminOptionsValidator : IValidateOptions<SftpAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpAdminOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBodySize is < 1024 or > 64L * 1024 * 1024)
        {
            failures.Add("SftpKit:Admin:MaxRequestBodySize must be from 1 KiB to 64 MiB.");
        }
        if (options.MaxRestoreBodySize is < 1024 or > 1024L * 1024 * 1024)
        {
            failures.Add("SftpKit:Admin:MaxRestoreBodySize must be from 1 KiB to 1 GiB.");
        }
        if (options.MaxConcurrentQuotaScans is < 1 or > 256)
        {
            failures.Add("SftpKit:Admin:MaxConcurrentQuotaScans must be from 1 to 256.");
        }
        if (options.QuotaScanHistory is < 0 or > 100_000)
        {
            failures.Add("SftpKit:Admin:QuotaScanHistory must be from 0 to 100000.");
        }
        if (options.MaxPageSize is < 1 or > 100_000)
        {
            failures.Add("SftpKit:Admin:MaxPageSize must be from 1 to 100000.");
        }
        if (options.MaxConcurrentRetentionChecks is < 1 or > 64)
        {
            failures.Add("SftpKit:Admin:MaxConcurrentRetentionChecks must be from 1 to 64.");
        }
        if (options.RetentionCheckHistory is < 0 or > 10_000)
        {
            failures.Add("SftpKit:Admin:RetentionCheckHistory must be from 0 to 10000.");
        }
        if (options.LoginAttemptLimit is < 0 or > 10_000)
        {
            failures.Add("SftpKit:Admin:LoginAttemptLimit must be from 0 (off) to 10000.");
        }
        if (options.LoginAttemptWindow < TimeSpan.FromSeconds(1) || options.LoginAttemptWindow > TimeSpan.FromHours(24))
        {
            failures.Add("SftpKit:Admin:LoginAttemptWindow must be from 1 second to 24 hours.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
