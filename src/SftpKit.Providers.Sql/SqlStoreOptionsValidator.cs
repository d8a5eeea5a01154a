using Microsoft.Extensions.Options;

namespace SftpKit.Providers.Sql;

/// <summary>Reports every invalid setting at once, naming the field.</summary>
internal sealed class SqlStoreOptionsValidator : IValidateOptions<SqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            errors.Add("SftpKit:Sql:ConnectionString is required.");
        }
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add("SftpKit:Sql:Provider must be Sqlite, PostgreSql or MySql.");
        }
        if (options.AuthCacheDuration < TimeSpan.Zero)
        {
            errors.Add("SftpKit:Sql:AuthCacheDuration must not be negative.");
        }
        if (options.AuthCacheMaxEntries < 1)
        {
            errors.Add("SftpKit:Sql:AuthCacheMaxEntries must be at least 1.");
        }
        if (options.SessionLeaseDuration < TimeSpan.FromSeconds(2))
        {
            errors.Add("SftpKit:Sql:SessionLeaseDuration must be at least 2 seconds.");
        }
        if (options.SessionLeaseRenewInterval <= TimeSpan.Zero || options.SessionLeaseRenewInterval >= options.SessionLeaseDuration)
        {
            errors.Add("SftpKit:Sql:SessionLeaseRenewInterval must be above zero and shorter than SessionLeaseDuration.");
        }
        if (options.InstanceId is { Length: > 64 })
        {
            errors.Add("SftpKit:Sql:InstanceId has at most 64 characters.");
        }
        if (options.CommandTimeoutSeconds < 1)
        {
            errors.Add("SftpKit:Sql:CommandTimeoutSeconds must be at least 1.");
        }
        if (options.ReadOnlyAccounts is { } readOnly)
        {
            errors.AddRange(SqlReadOnlyAccounts.Validate(readOnly));
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
