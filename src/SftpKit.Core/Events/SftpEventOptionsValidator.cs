using SftpKit.Sessions;

namespace SftpKit.Events;

/// <summary>Collects every problem in <see cref="SftpEventOptions"/> at once.</summary>
internal sealed class SftpEventOptionsValidator : SftpOptionsValidator<SftpEventOptions>
{
    protected override void Check(SftpEventOptions options, List<string> errors)
    {
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
    }
}
