using Microsoft.Extensions.Options;

namespace SftpKit.Events;

/// <summary>Collects every problem in <see cref="SftpEventOptions"/> at once.</summary>
internal sealed class SftpEventOptionsValidator : IValidateOptions<SftpEventOptions>
{
    public ValidateOptionsResult Validate(string? name, SftpEventOptions options)
    {
        var errors = new List<string>();
        if (options.PreEventTimeout <= TimeSpan.Zero)
        {
            errors.Add("Events.PreEventTimeout must be positive.");
        }
        if (options.PostEventTimeout <= TimeSpan.Zero)
        {
            errors.Add("Events.PostEventTimeout must be positive.");
        }
        if (options.PostEventQueueCapacity is < 1 or > 1024 * 1024)
        {
            errors.Add("Events.PostEventQueueCapacity must be between 1 and 1048576.");
        }
        if (options.WarningInterval < TimeSpan.Zero)
        {
            errors.Add("Events.WarningInterval must not be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
