namespace SftpKit.Events;

/// <summary>
/// Receives events. Register with <c>AddEventHandler&lt;T&gt;()</c>; handlers are called in registration order.
/// Both methods have defaults (allow / do nothing), so a handler implements only what it needs; a handler that does not
/// implement <see cref="OnPreEventAsync"/> is never called for pre-events.
/// </summary>
public interface ISftpEventHandler
{
    /// <summary>
    /// Called before an operation, on the operation's path: the operation waits for the answer. Every pre-event kind
    /// comes here, <see cref="SftpEventKind.Connect"/> for each new connection too (no user, no path), so check
    /// <see cref="SftpEvent.Kind"/> first: a handler that throws denies. The first handler that denies wins and later
    /// handlers are not asked. Bounded by <see cref="SftpEventOptions.PreEventTimeout"/> (default 5 s);
    /// <paramref name="cancellationToken"/> fires at that timeout or when the session ends (for Connect, when the
    /// server stops).
    /// </summary>
    ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        => ValueTask.FromResult(SftpEventDecision.Allow);

    /// <summary>
    /// Called after an operation, from a background queue (never on the operation's path), one event at a time.
    /// Bounded by <see cref="SftpEventOptions.PostEventTimeout"/> (default 30 s); <paramref name="cancellationToken"/>
    /// fires at that timeout or when the host stops. Exceptions are logged and otherwise ignored.
    /// </summary>
    ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Raises events to every registered <see cref="ISftpEventHandler"/>. Registered by <c>AddSftpServer</c>.</summary>
public interface ISftpEventDispatcher
{
    /// <summary>
    /// Asks each handler in turn whether the operation may run; the first deny wins. A handler that times out
    /// (<see cref="SftpEventOptions.PreEventTimeout"/>) or throws denies, unless
    /// <see cref="SftpEventOptions.AllowOnPreEventFailure"/> is set. Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> fires.
    /// </summary>
    ValueTask<SftpEventDecision> RaisePreAsync(SftpEvent sftpEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a post-event for the handlers and returns at once, without waiting for them. When the queue holds
    /// <see cref="SftpEventOptions.PostEventQueueCapacity"/> events (default 4096) the new event is dropped and counted
    /// in <see cref="DroppedPostEvents"/>.
    /// </summary>
    void RaisePost(SftpEvent sftpEvent);

    /// <summary>Post-events dropped because the queue was full or the dispatcher had stopped, since start.</summary>
    long DroppedPostEvents { get; }
}
