using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SftpKit.Events;
using SftpKit.Hosting;
using SftpKit.Sftp;

namespace SftpKit.Tests.OptionsValidation;

/// <summary>Each options validator reports every problem at once, each naming its option.</summary>
public sealed class OptionsValidatorTests
{
    [Fact]
    public void Server_options_validator_reports_both_bad_values()
    {
        var options = new SftpServerOptions { ServerVersion = "has space" };
        options.Limits.MaxAuthAttempts = 0;

        AssertFailures(new SftpServerOptionsValidator().Validate(null, options),
            "ServerVersion must be 1–200 printable ASCII characters without spaces.",
            "Limits.MaxAuthAttempts must be at least 1.");
    }

    [Fact]
    public void Defender_options_validator_reports_both_bad_values()
    {
        var options = new SftpServerOptions();
        options.Defender.Threshold = 0;
        options.Defender.BanTime = TimeSpan.Zero;

        AssertFailures(new SftpDefenderOptionsValidator().Validate(null, options),
            "Defender.Threshold must be at least 1.",
            "Defender.BanTime must be positive.");
    }

    [Fact]
    public void Event_options_validator_reports_both_bad_values()
    {
        var options = new SftpEventOptions { PostEventTimeout = TimeSpan.Zero, WarningInterval = TimeSpan.FromSeconds(-1) };

        AssertFailures(new SftpEventOptionsValidator().Validate(null, options),
            "Events.PostEventTimeout must be positive.",
            "Events.WarningInterval must not be negative.");
    }

    [Fact]
    public void Subsystem_options_validator_reports_both_bad_values_and_throws_them_together()
    {
        var options = new SftpSubsystemOptions { MaxOpenHandles = 0, TempFilesLifespan = TimeSpan.FromSeconds(-1) };
        string[] expected =
        [
            "SftpSubsystemOptions.MaxOpenHandles must be at least 1.",
            "SftpSubsystemOptions.TempFilesLifespan must not be negative.",
        ];

        AssertFailures(new SftpSubsystemOptionsValidator().Validate(null, options), expected);
        var error = Assert.Throws<OptionsValidationException>(() => SftpSubsystemOptionsValidator.ThrowIfInvalid(options));
        Assert.Equal(expected, error.Failures);
        Assert.Equal(typeof(SftpSubsystemOptions), error.OptionsType);
        SftpSubsystemOptionsValidator.ThrowIfInvalid(new SftpSubsystemOptions());
    }

    [Fact]
    public void Event_action_validator_reports_every_problem_of_each_action()
    {
        var validator = new SftpEventActionOptionsValidator();

        AssertFailures(validator.Validate(null, new HttpEventNotificationOptions { Timeout = TimeSpan.Zero, Url = new Uri("ftp://example.com/") }),
            "HttpEventNotificationOptions.Timeout must be positive.",
            "HttpEventNotificationOptions.Url must be an absolute http or https URL.");
        AssertFailures(validator.Validate(null, new CommandEventActionOptions { PreEvents = false, PostEvents = false }),
            "CommandEventActionOptions: PreEvents and PostEvents are both false, so the action would never run.",
            "CommandEventActionOptions.FileName is required.");
        Assert.True(validator.Validate(null, new CommandEventActionOptions { FileName = "true" }).Succeeded);
    }

    [Fact]
    public void Event_action_registration_throws_every_problem_at_once()
    {
        var builder = new ServiceCollection().AddSftpServer();

        var error = Assert.Throws<ArgumentException>(() => builder.AddHttpEventNotification(o => o.Timeout = TimeSpan.Zero));

        Assert.Contains("HttpEventNotificationOptions.Timeout must be positive.", error.Message, StringComparison.Ordinal);
        Assert.Contains("HttpEventNotificationOptions.Url must be an absolute http or https URL.", error.Message, StringComparison.Ordinal);
    }

    internal static void AssertFailures(ValidateOptionsResult result, params string[] expected)
    {
        Assert.True(result.Failed);
        Assert.Equal(expected, result.Failures);
    }
}
