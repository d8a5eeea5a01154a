using Microsoft.Extensions.Options;
using SftpKit.Sessions;

namespace SftpKit.Sftp;

/// <summary>
/// Collects every problem in <see cref="SftpSubsystemOptions"/> at once. <c>AddSftp()</c> registers it (checked at
/// start); sessions made without dependency injection (<see cref="SftpServerStdio"/>, a handler built by hand) call
/// <see cref="ThrowIfInvalid"/>.
/// </summary>
internal sealed class SftpSubsystemOptionsValidator : SftpOptionsValidator<SftpSubsystemOptions>
{
    private static readonly SftpSubsystemOptionsValidator s_instance = new();

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem, when there is one.</summary>
    public static void ThrowIfInvalid(SftpSubsystemOptions options)
    {
        if (s_instance.Validate(Options.DefaultName, options) is { Failed: true, Failures: { } failures })
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SftpSubsystemOptions), failures);
        }
    }

    protected override void Check(SftpSubsystemOptions options, List<string> errors)
    {
        if (options.MaxOpenHandles < 1)
        {
            errors.Add("SftpSubsystemOptions.MaxOpenHandles must be at least 1.");
        }
        if (options.MaxInFlightRequests < 1)
        {
            errors.Add("SftpSubsystemOptions.MaxInFlightRequests must be at least 1.");
        }
        if (options.MaxInFlightWriteBytes < 1)
        {
            errors.Add("SftpSubsystemOptions.MaxInFlightWriteBytes must be at least 1.");
        }
        if (options.ReorderWindowBytes < 0)
        {
            errors.Add("SftpSubsystemOptions.ReorderWindowBytes must not be negative.");
        }
        if (options.TempFilesLifespan < TimeSpan.Zero)
        {
            errors.Add("SftpSubsystemOptions.TempFilesLifespan must not be negative.");
        }
    }
}
