using Microsoft.Extensions.Options;

namespace SftpKit.Sessions;

/// <summary>
/// The shape of SftpKit.Core's options validators: <see cref="Check"/> adds every problem it finds (each naming the
/// option at fault), and the result fails with all of them at once.
/// </summary>
internal abstract class SftpOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = new List<string>();
        Check(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    protected abstract void Check(TOptions options, List<string> errors);
}
