using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore.Authentication;

/// <summary>Checks <see cref="SftpAdminAuthenticationOptions"/> at start, all problems at once.</summary>
internal sealed class SftpAdminAuthenticationOptionsValidator : IValidateOptions<SftpAdminAuthenticationOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpAdminAuthenticationOptions options)
    {
        var failures = new List<string>();
        if (options.SigningKey is { } key && key.Length < 32)
        {
            failures.Add("SftpKit:Admin:Authentication:SigningKey must be at least 32 characters (or unset for a random key per start).");
        }
        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromHours(24))
        {
            failures.Add("SftpKit:Admin:Authentication:TokenLifetime must be from 1 minute to 24 hours.");
        }
        if (string.IsNullOrWhiteSpace(options.ApiKeyHeaderName))
        {
            failures.Add("SftpKit:Admin:Authentication:ApiKeyHeaderName must not be empty.");
        }
        if (options.MaxApiKeyLifetime is { } max && max <= TimeSpan.Zero)
        {
            failures.Add("SftpKit:Admin:Authentication:MaxApiKeyLifetime must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
