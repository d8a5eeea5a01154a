using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.Events;

/// <summary>Built-in handlers say which phases they take part in, so a disabled phase costs nothing.</summary>
internal interface IEventPhaseFilter
{
    bool HandlesPreEvents { get; }

    bool HandlesPostEvents { get; }
}

/// <summary>
/// A built-in handler that can say, synchronously and cheaply, that an event is of no interest to it (the rule engine
/// when no enabled rule has the event's trigger): the dispatcher then skips its pre-event call (no timeout source) and,
/// when no queued handler wants a post-event, the queue hand-off. Answering true is always safe.
/// </summary>
internal interface IEventInterestFilter
{
    bool Wants(SftpEvent sftpEvent, bool pre);
}

/// <summary>
/// A built-in post-event handler cheap and synchronous enough to run on the raising thread (e.g. the log handler):
/// it never waits on I/O of its own beyond what logging does anywhere else, so it needs neither the queue nor the
/// worker. Its <see cref="ISftpEventHandler.OnPostEventAsync"/> must complete synchronously.
/// </summary>
internal interface IInlinePostEventHandler
{
}

/// <summary>
/// Calls pre-event handlers in order on the caller's path (first deny wins, each bounded by a timeout), runs the
/// built-in inline post-event handlers (<see cref="IInlinePostEventHandler"/>: the log records) on the raising thread,
/// and hands post-events for the other handlers to a bounded queue drained by one background worker, started on the
/// first such post-event (no thread-pool hand-off per event when only inline handlers are registered). As a hosted
/// service it drains the queue on stop, within the host's shutdown timeout.
/// </summary>
internal sealed class SftpEventDispatcher : ISftpEventDispatcher, IHostedService, IAsyncDisposable, IDisposable
{
    private readonly ISftpEventHandler[] _preHandlers;
    private readonly ISftpEventHandler[] _postHandlers;
    private readonly ISftpEventHandler[] _inlinePostHandlers;
    private readonly SftpEventOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<SftpEvent> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly RateLimitedWarning _dropWarning;
    private readonly RateLimitedWarning _failureWarning;
    private readonly Lock _workerLock = new();
    private Task? _worker;
    private long _dropped;
    private readonly IDisposable? _queueGauge;
    private int _disposed;

    /// <param name="handlers">The registered handlers.</param>
    /// <param name="options">Queue capacity and timeouts.</param>
    /// <param name="loggerFactory">For the events log category.</param>
    /// <param name="metrics">When given, the queue's depth and drops are reported as <c>sftpkit.events.queue.depth</c> and
    /// <c>sftpkit.events.queue.dropped</c> with <c>queue</c> = <c>post_events</c>.</param>
    public SftpEventDispatcher(IEnumerable<ISftpEventHandler> handlers, IOptions<SftpEventOptions> options, ILoggerFactory loggerFactory,
        Sessions.SftpMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var all = handlers.ToArray();
        _preHandlers = all.Where(h => h is IEventPhaseFilter f ? f.HandlesPreEvents : Implements(h, nameof(ISftpEventHandler.OnPreEventAsync))).ToArray();
        var post = all.Where(h => h is IEventPhaseFilter f ? f.HandlesPostEvents : Implements(h, nameof(ISftpEventHandler.OnPostEventAsync))).ToArray();
        _inlinePostHandlers = post.Where(h => h is IInlinePostEventHandler).ToArray();
        _postHandlers = post.Where(h => h is not IInlinePostEventHandler).ToArray();
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(EventsLog.CategoryName);
        _dropWarning = new RateLimitedWarning(_options.WarningInterval);
        _failureWarning = new RateLimitedWarning(_options.WarningInterval);
        _queue = Channel.CreateBounded<SftpEvent>(
            new BoundedChannelOptions(_options.PostEventQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            OnDropped);
        _queueGauge = metrics?.ObserveQueue(QueueName, () => _queue.Reader.Count, () => Interlocked.Read(ref _dropped));
    }

    /// <summary>The <c>queue</c> tag of this dispatcher's post-event queue on the event-queue instruments.</summary>
    internal const string QueueName = "post_events";

    public long DroppedPostEvents => Interlocked.Read(ref _dropped);

    /// <summary>Post-events waiting in the queue (for tests and metrics).</summary>
    internal int QueuedPostEvents => _queue.Reader.Count;

    public ValueTask<SftpEventDecision> RaisePreAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sftpEvent);
        cancellationToken.ThrowIfCancellationRequested();
        return _preHandlers.Length == 0 ? ValueTask.FromResult(SftpEventDecision.Allow) : AskAllAsync(sftpEvent, cancellationToken);
    }

    public void RaisePost(SftpEvent sftpEvent)
    {
        ArgumentNullException.ThrowIfNull(sftpEvent);
        foreach (var handler in _inlinePostHandlers)
        {
            DeliverInline(handler, sftpEvent);
        }
        if (_postHandlers.Length == 0 || !AnyQueuedHandlerWants(sftpEvent))
        {
            return;
        }
        EnsureWorker();
        if (!_queue.Writer.TryWrite(sftpEvent))
        {
            OnDropped(sftpEvent); // only after stop: a full queue drops through the channel's callback
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        Task? worker;
        lock (_workerLock)
        {
            worker = _worker;
        }
        if (worker is null)
        {
            return;
        }
        try
        {
            await worker.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: abandon what is left.
            await _stopping.CancelAsync();
        }
    }

    // The container may dispose this instance once per registration (dispatcher, interface, hosted service).
    public async ValueTask DisposeAsync()
    {
        _queueGauge?.Dispose();
        _queue.Writer.TryComplete();
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _stopping.CancelAsync();
        }
        Task? worker;
        lock (_workerLock)
        {
            worker = _worker;
        }
        if (worker is not null)
        {
            await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        // Synchronous disposal (a ServiceProvider disposed with Dispose) does not wait for the worker.
        _queueGauge?.Dispose();
        _queue.Writer.TryComplete();
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
        }
    }

    private bool AnyQueuedHandlerWants(SftpEvent sftpEvent)
    {
        foreach (var handler in _postHandlers)
        {
            if (handler is not IEventInterestFilter filter || filter.Wants(sftpEvent, pre: false))
            {
                return true;
            }
        }
        return false;
    }

    private async ValueTask<SftpEventDecision> AskAllAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        foreach (var handler in _preHandlers)
        {
            if (handler is IEventInterestFilter filter && !filter.Wants(sftpEvent, pre: true))
            {
                continue;
            }
            var decision = await AskAsync(handler, sftpEvent, cancellationToken);
            if (!decision.IsAllowed)
            {
                EventsLog.PreEventDenied(_logger, sftpEvent.Kind, sftpEvent.UserName, sftpEvent.Path, handler.GetType().Name, decision.Message);
                return decision;
            }
        }
        return SftpEventDecision.Allow;
    }

    private async ValueTask<SftpEventDecision> AskAsync(ISftpEventHandler handler, SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PreEventTimeout);
        Task<SftpEventDecision>? pending = null;
        try
        {
            var answer = handler.OnPreEventAsync(sftpEvent, timeout.Token);
            if (answer.IsCompletedSuccessfully)
            {
                return answer.Result ?? FailureDecision;
            }
            // WaitAsync bounds handlers that ignore their token.
            pending = answer.AsTask();
            return await pending.WaitAsync(timeout.Token) ?? FailureDecision;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(pending);
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Observe(pending);
            EventsLog.PreEventHandlerTimedOut(_logger, handler.GetType().Name, (long)_options.PreEventTimeout.TotalMilliseconds, sftpEvent.Kind, FailureOutcome);
            return FailureDecision;
        }
        catch (Exception ex)
        {
            EventsLog.PreEventHandlerFailed(_logger, handler.GetType().Name, sftpEvent.Kind, FailureOutcome, ex);
            return FailureDecision;
        }
    }

    private SftpEventDecision FailureDecision
        => _options.AllowOnPreEventFailure ? SftpEventDecision.Allow : SftpEventDecision.Deny("event handler failed");

    private string FailureOutcome => _options.AllowOnPreEventFailure ? "allowed" : "denied";

    private void EnsureWorker()
    {
        if (Volatile.Read(ref _worker) is not null)
        {
            return;
        }
        lock (_workerLock)
        {
            _worker ??= Task.Run(DrainAsync);
        }
    }

    private async Task DrainAsync()
    {
        var reader = _queue.Reader;
        // One timeout source for the single worker, linked to stop and reset after each handler: no allocation per call.
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                while (!_stopping.IsCancellationRequested && reader.TryRead(out var sftpEvent))
                {
                    foreach (var handler in _postHandlers)
                    {
                        await DeliverAsync(handler, sftpEvent, timeout);
                        if (!timeout.TryReset())
                        {
                            timeout.Dispose();
                            timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            timeout.Dispose();
        }
    }

    private async Task DeliverAsync(ISftpEventHandler handler, SftpEvent sftpEvent, CancellationTokenSource timeout)
    {
        timeout.CancelAfter(_options.PostEventTimeout);
        Task? pending = null;
        try
        {
            var work = handler.OnPostEventAsync(sftpEvent, timeout.Token);
            if (work.IsCompletedSuccessfully)
            {
                work.GetAwaiter().GetResult();
                return;
            }
            pending = work.AsTask();
            await pending.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Observe(pending);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Observe(pending);
            if (_failureWarning.ShouldWarn(out long count))
            {
                EventsLog.PostEventHandlerTimedOut(_logger, handler.GetType().Name, (long)_options.PostEventTimeout.TotalMilliseconds, sftpEvent.Kind, count);
            }
        }
        catch (Exception ex)
        {
            if (_failureWarning.ShouldWarn(out long count))
            {
                EventsLog.PostEventHandlerFailed(_logger, handler.GetType().Name, sftpEvent.Kind, count, ex);
            }
        }
    }

    private void DeliverInline(ISftpEventHandler handler, SftpEvent sftpEvent)
    {
        try
        {
            var work = handler.OnPostEventAsync(sftpEvent, CancellationToken.None);
            if (!work.IsCompleted)
            {
                throw new InvalidOperationException("An inline post-event handler completed asynchronously.");
            }
            work.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            if (_failureWarning.ShouldWarn(out long count))
            {
                EventsLog.PostEventHandlerFailed(_logger, handler.GetType().Name, sftpEvent.Kind, count, ex);
            }
        }
    }

    private void OnDropped(SftpEvent sftpEvent)
    {
        long total = Interlocked.Increment(ref _dropped);
        if (_dropWarning.ShouldWarn(out long count))
        {
            EventsLog.PostEventsDropped(_logger, _options.PostEventQueueCapacity, count, total);
        }
    }

    // An abandoned handler task may still fault; observe it so it does not surface as an unobserved exception.
    private static void Observe(Task? task)
        => task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    // A handler that keeps the interface's default for a method is never called for that phase.
    private static bool Implements(ISftpEventHandler handler, string methodName)
    {
        var map = handler.GetType().GetInterfaceMap(typeof(ISftpEventHandler));
        for (int i = 0; i < map.InterfaceMethods.Length; i++)
        {
            if (map.InterfaceMethods[i].Name == methodName)
            {
                return map.TargetMethods[i].DeclaringType != typeof(ISftpEventHandler);
            }
        }
        return true;
    }
}
