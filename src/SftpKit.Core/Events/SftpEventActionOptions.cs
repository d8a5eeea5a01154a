namespace SftpKit.Events;

/// <summary>What a built-in event action (HTTP notification, command) reacts to, and how long it may take.</summary>
public abstract class SftpEventActionOptions
{
    /// <summary>The event kinds the action runs for. Defaults to empty, meaning every kind.</summary>
    public ICollection<SftpEventKind> Kinds { get; } = new HashSet<SftpEventKind>();

    /// <summary>
    /// When true the action also runs before operations and its answer can veto them (see the derived options for what
    /// denies). Defaults to false.
    /// </summary>
    public bool PreEvents { get; set; }

    /// <summary>When true the action runs after operations, from the background queue. Defaults to true.</summary>
    public bool PostEvents { get; set; } = true;

    /// <summary>
    /// How long one run of the action may take. Defaults to 10 seconds; must be positive. A pre-event is also bounded by
    /// <see cref="SftpEventOptions.PreEventTimeout"/> (default 5 s), whichever ends first.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool Handles(SftpEventKind kind, bool pre)
        => (pre ? PreEvents : PostEvents) && (Kinds.Count == 0 || Kinds.Contains(kind));
}
