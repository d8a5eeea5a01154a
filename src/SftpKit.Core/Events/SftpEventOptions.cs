using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SftpKit.Events;

/// <summary>How events are dispatched. Binds from the configuration section <c>SftpKit:Events</c>.</summary>
public sealed class SftpEventOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string ConfigurationSectionName = "SftpKit:Events";

    /// <summary>How long one handler may take to answer a pre-event. Defaults to 5 seconds; must be positive.</summary>
    public TimeSpan PreEventTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When true, a pre-event handler that times out or throws lets the operation run; when false it denies it.
    /// Defaults to false (fail closed).
    /// </summary>
    public bool AllowOnPreEventFailure { get; set; }

    /// <summary>How long one handler may take for a post-event. Defaults to 30 seconds; must be positive.</summary>
    public TimeSpan PostEventTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Post-events waiting for the handlers; further events are dropped (and counted) while the queue is full.
    /// Defaults to 4096; must be between 1 and 1048576.
    /// </summary>
    public int PostEventQueueCapacity { get; set; } = 4096;

    /// <summary>
    /// Least time between two warnings about dropped post-events or failing post-event handlers (the count since the
    /// last warning is logged). Defaults to 1 minute; must not be negative.
    /// </summary>
    public TimeSpan WarningInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Binds <see cref="SftpEventOptions"/> from <c>SftpKit:Events</c>, when configuration is present.</summary>
internal sealed class SftpEventOptionsFromConfiguration : IConfigureOptions<SftpEventOptions>
{
    private readonly IConfiguration? _configuration;

    public SftpEventOptionsFromConfiguration(IServiceProvider services)
        => _configuration = services.GetService(typeof(IConfiguration)) as IConfiguration;

    public void Configure(SftpEventOptions options)
    {
        var section = _configuration?.GetSection(SftpEventOptions.ConfigurationSectionName);
        if (section is not null && section.Exists())
        {
            section.Bind(options);
        }
    }
}

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
