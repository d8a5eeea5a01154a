using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SftpKit.Events.Rules;

/// <summary>
/// The asynchronous part of rule runs and schedule runs: a bounded queue (<see cref="SftpEventRuleOptions.QueueCapacity"/>,
/// default 1024) drained by <see cref="SftpEventRuleOptions.Concurrency"/> workers (default 4), each run bounded by
/// <see cref="SftpEventRuleOptions.RunTimeout"/>. A run offered while the queue is full is refused, counted and logged
/// at most once per <see cref="SftpEventRuleOptions.WarningInterval"/>. Workers start on the first item.
/// </summary>
internal sealed class EventRuleQueue : IAsyncDisposable
{
    private readonly Channel<Func<CancellationToken, Task>> _queue;
    private readonly SftpEventRuleOptions _options;
    private readonly ILogger _logger;
    private readonly RateLimitedWarning _dropWarning;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task[]? _workers;
    private long _dropped;

    public EventRuleQueue(IOptions<SftpEventRuleOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(EventRulesLog.CategoryName);
        _dropWarning = new RateLimitedWarning(_options.WarningInterval);
        _queue = Channel.CreateBounded<Func<CancellationToken, Task>>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>Runs refused because the queue was full or stopped, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="work"/>; false (counted and logged) when the queue is full.</summary>
    public bool TryEnqueue(Func<CancellationToken, Task> work)
    {
        EnsureWorkers();
        if (_queue.Writer.TryWrite(work))
        {
            return true;
        }
        long total = Interlocked.Increment(ref _dropped);
        if (_dropWarning.ShouldWarn(out long count))
        {
            EventRulesLog.RunsDropped(_logger, _options.QueueCapacity, count, total);
        }
        return false;
    }

    /// <summary>Stops taking work and waits (within <paramref name="cancellationToken"/>) for what is queued.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        Task[]? workers;
        lock (_lock)
        {
            workers = _workers;
        }
        if (workers is null)
        {
            return;
        }
        try
        {
            await Task.WhenAll(workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[]? workers;
        lock (_lock)
        {
            workers = _workers;
        }
        if (workers is not null)
        {
            await Task.WhenAll(workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stopping.Dispose();
    }

    private void EnsureWorkers()
    {
        if (Volatile.Read(ref _workers) is not null)
        {
            return;
        }
        lock (_lock)
        {
            _workers ??= Enumerable.Range(0, _options.Concurrency).Select(_ => Task.Run(WorkAsync)).ToArray();
        }
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var work))
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                    timeout.CancelAfter(_options.RunTimeout);
                    try
                    {
                        await work(timeout.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                    {
                        EventRulesLog.EngineFailed(_logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
