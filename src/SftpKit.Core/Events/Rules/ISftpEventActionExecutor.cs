using SftpKit.FileSystem;

namespace SftpKit.Events.Rules;

/// <summary>
/// Carries out one <see cref="SftpEventActionType"/>. The engine picks the executor by <see cref="Type"/>; register
/// more (or replacements) with <c>AddEventActionExecutor&lt;T&gt;()</c>. An executor throws
/// <see cref="SftpEventActionException"/> to fail with a message an admin may see.
/// </summary>
public interface ISftpEventActionExecutor
{
    /// <summary>The action type this executor carries out.</summary>
    SftpEventActionType Type { get; }

    /// <summary>Runs the action once for <paramref name="context"/>.</summary>
    Task ExecuteAsync(SftpEventActionContext context, CancellationToken cancellationToken);
}

/// <summary>What an action runs with: the rule, the action, the triggering event and its placeholders.</summary>
public sealed class SftpEventActionContext
{
    private readonly Func<CancellationToken, ValueTask<IVirtualFileSystem>>? _openFileSystem;

    /// <summary>Creates a context (the engine does; tests may too).</summary>
    /// <param name="rule">The rule being run.</param>
    /// <param name="action">The action to carry out.</param>
    /// <param name="event">The triggering event; null for schedules and on-demand runs.</param>
    /// <param name="userName">The account the action applies to, when any.</param>
    /// <param name="placeholders">Values for <see cref="Render"/>, by name without braces (<c>VirtualPath</c>).</param>
    /// <param name="services">The host's services.</param>
    /// <param name="openFileSystem">Opens the account's file system (storage, virtual folders, its policies); null when the run has no account.</param>
    public SftpEventActionContext(SftpEventRule rule, SftpEventAction action, SftpEvent? @event, string? userName,
        IReadOnlyDictionary<string, string> placeholders, IServiceProvider services,
        Func<CancellationToken, ValueTask<IVirtualFileSystem>>? openFileSystem)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(placeholders);
        ArgumentNullException.ThrowIfNull(services);
        Rule = rule;
        Action = action;
        Event = @event;
        UserName = userName;
        Placeholders = placeholders;
        Services = services;
        _openFileSystem = openFileSystem;
    }

    /// <summary>The rule being run.</summary>
    public SftpEventRule Rule { get; }

    /// <summary>The action to carry out.</summary>
    public SftpEventAction Action { get; }

    /// <summary>The triggering event; null for schedules and on-demand runs.</summary>
    public SftpEvent? Event { get; }

    /// <summary>The account the action applies to, when any.</summary>
    public string? UserName { get; }

    /// <summary>Placeholder values by name (<c>Name</c>, <c>Event</c>, <c>VirtualPath</c>, <c>FileSize</c>, <c>Status</c> …).</summary>
    public IReadOnlyDictionary<string, string> Placeholders { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// Replaces <c>{{Name}}</c> and SFTPGo's <c>{{.Name}}</c> by the placeholder's value (unknown names become empty).
    /// </summary>
    public string Render(string? template) => SftpEventTemplate.Render(template, Placeholders);

    /// <summary>
    /// The account's file system as its logins see it (storage, virtual folders, quota), with every permission granted;
    /// <see cref="SftpEventActionException"/> when the run has no account. The caller disposes it when it is disposable.
    /// </summary>
    public ValueTask<IVirtualFileSystem> OpenFileSystemAsync(CancellationToken cancellationToken)
        => _openFileSystem is null
            ? throw new SftpEventActionException("the action needs an account")
            : _openFileSystem(cancellationToken);
}
