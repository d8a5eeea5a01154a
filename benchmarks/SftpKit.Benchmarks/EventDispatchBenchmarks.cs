using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Events;

namespace SftpKit.Benchmarks;

/// <summary>
/// What raising an event costs the operation that raises it: a pre-event with only the built-in log handler (no
/// handler vetoes), with one synchronous allowing handler, and queueing a post-event.
/// </summary>
[MemoryDiagnoser]
public class EventDispatchBenchmarks
{
    private ServiceProvider? _plain;
    private ServiceProvider? _withHandler;
    private ISftpEventDispatcher? _plainDispatcher;
    private ISftpEventDispatcher? _handlerDispatcher;
    private readonly SftpEvent _event = new()
    {
        Kind = SftpEventKind.Upload, Protocol = SftpEventProtocol.Sftp, UserName = "alice", Path = "/in/report.csv",
        Size = 1234, Elapsed = TimeSpan.FromMilliseconds(15), ConnectionId = "c-1",
    };

    private sealed class AllowAll : ISftpEventHandler
    {
        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
            => ValueTask.FromResult(SftpEventDecision.Allow);
    }

    [GlobalSetup]
    public void Setup()
    {
        var plain = new ServiceCollection();
        plain.AddSftpServer();
        _plain = plain.BuildServiceProvider();
        _plainDispatcher = _plain.GetRequiredService<ISftpEventDispatcher>();
        var withHandler = new ServiceCollection();
        withHandler.AddSftpServer().AddEventHandler<AllowAll>();
        _withHandler = withHandler.BuildServiceProvider();
        _handlerDispatcher = _withHandler.GetRequiredService<ISftpEventDispatcher>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// post-events dropped: {_plainDispatcher!.DroppedPostEvents}");
        _plain?.Dispose();
        _withHandler?.Dispose();
        _counted?.Dispose();
    }

    [Benchmark]
    public ValueTask<SftpEventDecision> PreEvent_NoVetoingHandler() => _plainDispatcher!.RaisePreAsync(_event, default);

    [Benchmark]
    public ValueTask<SftpEventDecision> PreEvent_OneAllowingHandler() => _handlerDispatcher!.RaisePreAsync(_event, default);

    /// <summary>RaisePost alone; at this rate the worker falls behind, so most calls take the drop path.</summary>
    [Benchmark]
    public void PostEvent_Queue() => _plainDispatcher!.RaisePost(_event);

    private sealed class Counter : ISftpEventHandler
    {
        public int Target;
        public int Seen;
        public TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            if (++Seen == Target)
            {
                Done.TrySetResult();
            }
            return ValueTask.CompletedTask;
        }
    }

    private ServiceProvider? _counted;
    private ISftpEventDispatcher? _countedDispatcher;
    private Counter? _counter;

    [GlobalSetup(Target = nameof(PostEvent_DeliveredToLogAndOneHandler))]
    public void SetupCounted()
    {
        Setup();
        _counter = new Counter();
        var services = new ServiceCollection();
        services.AddSftpServer().AddEventHandler(_counter);
        _counted = services.BuildServiceProvider();
        _countedDispatcher = _counted.GetRequiredService<ISftpEventDispatcher>();
    }

    /// <summary>Per event: queue it and have the worker hand it to the log handler and one more handler.</summary>
    [Benchmark(OperationsPerInvoke = 4096)]
    public async Task PostEvent_DeliveredToLogAndOneHandler()
    {
        _counter!.Seen = 0;
        _counter.Target = 4096;
        _counter.Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < 4096; i++)
        {
            _countedDispatcher!.RaisePost(_event);
        }
        await _counter.Done.Task;
    }
}
