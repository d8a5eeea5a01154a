using Microsoft.Extensions.Options;

namespace SftpKit.Events;

/// <summary>
/// Collects every problem in the options of a built-in event action (HTTP notification, command) at once.
/// <c>AddHttpEventNotification</c> and <c>AddCommandEventAction</c> run it when they are called.
/// </summary>
internal sealed class SftpEventActionOptionsValidator
    : IValidateOptions<HttpEventNotificationOptions>, IValidateOptions<CommandEventActionOptions>
{
    private static readonly SftpEventActionOptionsValidator s_instance = new();

    /// <summary>Validates <paramref name="options"/> by its type.</summary>
    public static ValidateOptionsResult Check(SftpEventActionOptions options) => options switch
    {
        HttpEventNotificationOptions http => s_instance.Validate(Options.DefaultName, http),
        CommandEventActionOptions command => s_instance.Validate(Options.DefaultName, command),
        _ => Result(Common(options)),
    };

    public ValidateOptionsResult Validate(string? name, HttpEventNotificationOptions options)
    {
        var errors = Common(options);
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("HttpEventNotificationOptions.Url must be an absolute http or https URL.");
        }
        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, CommandEventActionOptions options)
    {
        var errors = Common(options);
        if (string.IsNullOrWhiteSpace(options.FileName))
        {
            errors.Add("CommandEventActionOptions.FileName is required.");
        }
        return Result(errors);
    }

    private static List<string> Common(SftpEventActionOptions options)
    {
        var errors = new List<string>();
        string type = options.GetType().Name;
        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{type}.Timeout must be positive.");
        }
        if (!options.PreEvents && !options.PostEvents)
        {
            errors.Add($"{type}: PreEvents and PostEvents are both false, so the action would never run.");
        }
        return errors;
    }

    private static ValidateOptionsResult Result(List<string> errors)
        => errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
