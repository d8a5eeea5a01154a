using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore.WebAdmin;

/// <summary>Checks <see cref="SftpWebAdminOptions"/> at start.</summary>
internal sealed class SftpWebAdminOptionsValidator : IValidateOptions<SftpWebAdminOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpWebAdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.SessionTimeout < TimeSpan.FromMinutes(1) || options.SessionTimeout > TimeSpan.FromHours(24))
        {
            errors.Add("SftpKit:WebAdmin:SessionTimeout must be between 1 minute and 24 hours.");
        }
        if (string.IsNullOrEmpty(options.CookieName) || options.CookieName.Length > 64
            || !options.CookieName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("SftpKit:WebAdmin:CookieName must be 1 to 64 letters, digits, '-', '_' or '.'.");
        }
        if (options.PageSize is < 5 or > 500)
        {
            errors.Add("SftpKit:WebAdmin:PageSize must be between 5 and 500.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
