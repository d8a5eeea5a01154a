using Microsoft.Extensions.Options;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>Checks <see cref="SftpWebClientOptions"/> at start and reports every error at once.</summary>
internal sealed class SftpWebClientOptionsValidator : IValidateOptions<SftpWebClientOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpWebClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.SessionTimeout < TimeSpan.FromMinutes(1) || options.SessionTimeout > TimeSpan.FromDays(7))
        {
            errors.Add("SftpKit:WebClient:SessionTimeout must be between 1 minute and 7 days.");
        }
        if (string.IsNullOrWhiteSpace(options.CookieName) || options.CookieName.Any(c => c <= ' ' || c >= '\u007f' || ";,=\"\\".Contains(c)))
        {
            errors.Add("SftpKit:WebClient:CookieName must be a cookie name (printable ASCII without separators).");
        }
        Range(errors, "MaxUploadFiles", options.MaxUploadFiles, 1, 10_000);
        Range(errors, "MaxZipEntries", options.MaxZipEntries, 1, 1_000_000);
        Range(errors, "MaxTreeDepth", options.MaxTreeDepth, 1, 256);
        Range(errors, "MaxPublicKeys", options.MaxPublicKeys, 1, 10_000);
        Range(errors, "MinPasswordLength", options.MinPasswordLength, 1, 1024);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"SftpKit:WebClient:{name} must be between {min} and {max}.");
        }
    }
}
