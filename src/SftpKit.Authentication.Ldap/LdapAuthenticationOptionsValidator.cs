using Microsoft.Extensions.Options;

namespace SftpKit.Authentication.Ldap;

/// <summary>Checks <see cref="LdapAuthenticationOptions"/> at start.</summary>
internal sealed class LdapAuthenticationOptionsValidator : IValidateOptions<LdapAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, LdapAuthenticationOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Host is required.");
        }
        if (options.Port is < 0 or > 65535)
        {
            errors.Add("Port must be 0 (the default for the security) or 1-65535.");
        }
        if (string.IsNullOrEmpty(options.UserDnTemplate) && string.IsNullOrEmpty(options.SearchBase))
        {
            errors.Add("Set UserDnTemplate (bind as the user) or SearchBase (search-then-bind).");
        }
        if (options.UserDnTemplate is { Length: > 0 } template && !template.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add("UserDnTemplate must contain {0} for the login name.");
        }
        if (!options.SearchFilter.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add("SearchFilter must contain {0} for the login name.");
        }
        if (options.HomeDirectoryTemplate is { Length: > 0 } home && !Path.IsPathFullyQualified(home.Replace("{0}", "x", StringComparison.Ordinal)))
        {
            errors.Add("HomeDirectoryTemplate must be an absolute path.");
        }
        if (options.Timeout <= TimeSpan.Zero || options.CacheDuration < TimeSpan.Zero || options.MaxConcurrentOperations < 1 || options.MaxCacheEntries < 1)
        {
            errors.Add("Timeout must be positive, CacheDuration not negative, MaxConcurrentOperations and MaxCacheEntries at least 1.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
