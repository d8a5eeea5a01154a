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
