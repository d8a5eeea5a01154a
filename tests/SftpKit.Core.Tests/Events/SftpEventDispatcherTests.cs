using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SftpKit.Events;
using static SftpKit.Tests.Events.EventTestSupport;

namespace SftpKit.Tests.Events;

public class SftpEventDispatcherTests
{
    [Fact]
    public async Task Pre_AllAllow_AsksEveryHandlerInOrder()
    {
        var calls = new List<string>();
        await using var dispatcher = Dispatcher(null, null,
            new RecordingHandler("a", calls), new RecordingHandler("b", calls), new RecordingHandler("c", calls));
        var decision = await dispatcher.RaisePreAsync(Upload("/x"), default);
        Assert.True(decision.IsAllowed);
        Assert.Equal(["a:pre:/x", "b:pre:/x", "c:pre:/x"], calls);
    }

    [Fact]
    public async Task Pre_FirstDenyWins_LaterHandlersNotAsked()
    {
        var calls = new List<string>();
        await using var dispatcher = Dispatcher(null, null,
            new RecordingHandler("a", calls),
            new RecordingHandler("b", calls, SftpEventDecision.Deny("quota")),
            new RecordingHandler("c", calls, SftpEventDecision.Deny("other")));
        var decision = await dispatcher.RaisePreAsync(Upload("/x"), default);
        Assert.False(decision.IsAllowed);
        Assert.Equal("quota", decision.Message);
        Assert.Equal(["a:pre:/x", "b:pre:/x"], calls);
    }

    private sealed class NeverAnswers(bool honourToken) : ISftpEventHandler
    {
        public async ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            if (honourToken)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            else
            {
                await new TaskCompletionSource().Task; // ignores its token entirely
            }
            return SftpEventDecision.Allow;
        }
    }

    private sealed class Throws : ISftpEventHandler
    {
        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
            => throw new InvalidOperationException("boom");

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
            => throw new InvalidOperationException("boom");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pre_Timeout_DeniesByDefault(bool honourToken)
    {
        var calls = new List<string>();
        var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(capture));
        await using var dispatcher = Dispatcher(o => o.PreEventTimeout = TimeSpan.FromMilliseconds(200), loggers,
            new NeverAnswers(honourToken), new RecordingHandler("after", calls));
        var decision = await dispatcher.RaisePreAsync(Upload(), default).AsTask().WaitAsync(Patience);
        Assert.False(decision.IsAllowed);
        Assert.Empty(calls);
        Assert.Contains(capture.Records, r => r.EventId.Id == 4011 && r.Category == "SftpKit.Events");
    }

    [Fact]
    public async Task Pre_Timeout_AllowsWhenConfigured_AndAsksTheNextHandler()
    {
        var calls = new List<string>();
        await using var dispatcher = Dispatcher(o => { o.PreEventTimeout = TimeSpan.FromMilliseconds(200); o.AllowOnPreEventFailure = true; }, null,
            new NeverAnswers(false), new RecordingHandler("after", calls));
        var decision = await dispatcher.RaisePreAsync(Upload("/y"), default).AsTask().WaitAsync(Patience);
        Assert.True(decision.IsAllowed);
        Assert.Equal(["after:pre:/y"], calls);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Pre_Exception_FollowsFailurePolicy(bool allowOnFailure, bool expectAllowed)
    {
        var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(capture));
        await using var dispatcher = Dispatcher(o => o.AllowOnPreEventFailure = allowOnFailure, loggers, new Throws());
        var decision = await dispatcher.RaisePreAsync(Upload(), default);
        Assert.Equal(expectAllowed, decision.IsAllowed);
        var log = Assert.Single(capture.Records, r => r.EventId.Id == 4012);
        Assert.IsType<InvalidOperationException>(log.Exception);
    }

    [Fact]
    public async Task Pre_CallerCancellation_Throws()
    {
        await using var dispatcher = Dispatcher(null, null, new NeverAnswers(true));
        using var cts = new CancellationTokenSource();
        var pending = dispatcher.RaisePreAsync(Upload(), cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Patience));
    }

    private sealed class PostOnly : ISftpEventHandler
    {
        public int Posts;

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Posts);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Pre_HandlerWithoutPreOverride_IsNotCalled_AndDefaultsAllow()
    {
        ISftpEventHandler defaults = new PostOnly();
        Assert.True((await defaults.OnPreEventAsync(Upload(), default)).IsAllowed);
        // A handler keeping the default OnPreEventAsync is left out of pre-events: the answer is ready at once.
        await using var dispatcher = Dispatcher(null, null, new PostOnly());
        var pending = dispatcher.RaisePreAsync(Upload(), default);
        Assert.True(pending.IsCompletedSuccessfully);
        Assert.True((await pending).IsAllowed);
    }

    /// <summary>Blocks its worker thread synchronously until released, as a careless handler might.</summary>
    private sealed class Blocking : ISftpEventHandler, IDisposable
    {
        public readonly ManualResetEventSlim Release = new();
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Completed;

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            Release.Wait(Patience, CancellationToken.None); // ignores its token on purpose
            Interlocked.Increment(ref Completed);
            return ValueTask.CompletedTask;
        }

        public void Dispose() => Release.Dispose();
    }

    [Fact]
    public async Task Post_SlowHandler_NeverBlocksTheRaiser()
    {
        using var slow = new Blocking();
        var calls = new List<string>();
        var recorder = new RecordingHandler("r", calls);
        await using var dispatcher = Dispatcher(null, null, slow, recorder);
        // RaisePost runs on its own task: if it waited for the handler it could not complete before Release is set.
        var raising = Task.Run(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                dispatcher.RaisePost(Upload($"/f{i}"));
            }
        });
        await raising.WaitAsync(Patience);
        await slow.Entered.Task.WaitAsync(Patience);
        Assert.Equal(0, Volatile.Read(ref slow.Completed));
        slow.Release.Set();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"/f{i}", (await recorder.NextPostAsync()).Path); // order kept
        }
        Assert.Equal(3, Volatile.Read(ref slow.Completed));
        Assert.Equal(0, dispatcher.DroppedPostEvents);
    }

    [Fact]
    public async Task Post_FullQueue_DropsAndCounts_WithOneWarning()
    {
        using var slow = new Blocking();
        var recorder = new RecordingHandler("r", []);
        var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(capture));
        await using var dispatcher = Dispatcher(o => o.PostEventQueueCapacity = 4, loggers, slow, recorder);
        dispatcher.RaisePost(Upload("/first"));
        await slow.Entered.Task.WaitAsync(Patience); // the worker holds /first; the queue is empty
        for (int i = 0; i < 10; i++)
        {
            dispatcher.RaisePost(Upload($"/q{i}"));
        }
        Assert.Equal(6, dispatcher.DroppedPostEvents);
        Assert.Equal(4, dispatcher.QueuedPostEvents);
        var warning = Assert.Single(capture.Records, r => r.EventId.Id == 4015);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(1L, warning.Properties["Count"]);

        slow.Release.Set();
        string[] delivered = new string[5];
        for (int i = 0; i < 5; i++)
        {
            delivered[i] = (await recorder.NextPostAsync()).Path!;
        }
        Assert.Equal(["/first", "/q0", "/q1", "/q2", "/q3"], delivered);
    }

    [Fact]
    public async Task Post_HandlerThrowsOrTimesOut_LaterHandlersStillRun()
    {
        var recorder = new RecordingHandler("r", []);
        var capture = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(capture));
        await using var dispatcher = Dispatcher(o => o.WarningInterval = TimeSpan.Zero, loggers, new Throws(), recorder);
        dispatcher.RaisePost(Upload("/a"));
        Assert.Equal("/a", (await recorder.NextPostAsync()).Path);
        Assert.Contains(capture.Records, r => r.EventId.Id == 4014 && r.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task Post_AfterStop_IsCountedAsDropped()
    {
        var recorder = new RecordingHandler("r", []);
        await using var dispatcher = Dispatcher(null, null, recorder);
        dispatcher.RaisePost(Upload("/before"));
        await dispatcher.StopAsync(CancellationToken.None);
        Assert.Equal("/before", (await recorder.NextPostAsync()).Path); // stop drained the queue
        dispatcher.RaisePost(Upload("/after"));
        Assert.Equal(1, dispatcher.DroppedPostEvents);
    }

    [Fact]
    public void Event_CopiesItsProperties()
    {
        var source = new Dictionary<string, string> { ["method"] = "publickey" };
        var e = Upload() with { Properties = source };
        source["method"] = "password";
        Assert.Equal("publickey", e.Properties["method"]);
        var post = e with { Status = SftpEventStatus.Failed, Error = "no such file" };
        Assert.Equal("publickey", post.Properties["method"]);
        Assert.Equal(SftpEventStatus.Ok, e.Status);
    }

    [Fact]
    public async Task AddSftpServer_RegistersDispatcher_LogHandlerFirst_ThenHandlersInOrder()
    {
        var calls = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSftpServer()
            .AddEventHandler(new RecordingHandler("first", calls, SftpEventDecision.Allow))
            .AddEventHandler(new RecordingHandler("second", calls, SftpEventDecision.Deny("no")));
        await using var provider = services.BuildServiceProvider();
        var handlers = provider.GetServices<ISftpEventHandler>().ToList();
        Assert.IsType<SftpEventLogHandler>(handlers[0]);
        Assert.Equal(3, handlers.Count);
        var dispatcher = provider.GetRequiredService<ISftpEventDispatcher>();
        Assert.Same(dispatcher, provider.GetServices<IHostedService>().OfType<SftpEventDispatcher>().Single());
        var decision = await dispatcher.RaisePreAsync(Upload("/p"), default);
        Assert.Equal("no", decision.Message);
        Assert.Equal(["first:pre:/p", "second:pre:/p"], calls);
    }

    [Fact]
    public void Options_BindFromConfiguration_AndInvalidOnesFailAtOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SftpKit:Events:PreEventTimeout"] = "00:00:02",
            ["SftpKit:Events:AllowOnPreEventFailure"] = "true",
            ["SftpKit:Events:PostEventQueueCapacity"] = "16",
            ["SftpKit:Listen:0:Port"] = "2200",
        }).Build());
        services.AddSftpServer();
        using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptions<SftpEventOptions>>().Value;
            Assert.Equal(TimeSpan.FromSeconds(2), options.PreEventTimeout);
            Assert.True(options.AllowOnPreEventFailure);
            Assert.Equal(16, options.PostEventQueueCapacity);
            Assert.Equal(TimeSpan.FromSeconds(30), options.PostEventTimeout);
            // The server's own options bind from the same "SftpKit" section and ignore "Events".
            Assert.Equal(2200, provider.GetRequiredService<IOptions<SftpServerOptions>>().Value.Endpoints.Single().Port);
        }

        var bad = new ServiceCollection();
        bad.AddSftpServer().ConfigureEvents(o => { o.PreEventTimeout = TimeSpan.Zero; o.PostEventQueueCapacity = 0; });
        using var badProvider = bad.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<SftpEventOptions>>().Value);
        Assert.Contains(error.Failures, f => f.Contains("PreEventTimeout", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("PostEventQueueCapacity", StringComparison.Ordinal));
    }

    /// <summary>A handler that wants only events under <c>/wanted/</c>.</summary>
    private sealed class Picky(List<string> calls) : ISftpEventHandler, IEventInterestFilter
    {
        private readonly RecordingHandler _inner = new("picky", calls);

        public bool Wants(SftpEvent sftpEvent, bool pre) => sftpEvent.Path?.StartsWith("/wanted/", StringComparison.Ordinal) == true;

        public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
            => _inner.OnPreEventAsync(sftpEvent, cancellationToken);

        public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
            => _inner.OnPostEventAsync(sftpEvent, cancellationToken);

        public Task<SftpEvent> NextPostAsync() => _inner.NextPostAsync();
    }

    [Fact]
    public async Task InterestFilter_UnwantedEvents_AreNeitherAskedNorQueued()
    {
        var calls = new List<string>();
        var picky = new Picky(calls);
        await using var dispatcher = Dispatcher(null, null, picky);

        Assert.True((await dispatcher.RaisePreAsync(Upload("/other/a"), default)).IsAllowed);
        dispatcher.RaisePost(Upload("/other/b"));
        Assert.Equal(0, dispatcher.QueuedPostEvents);
        Assert.True((await dispatcher.RaisePreAsync(Upload("/wanted/c"), default)).IsAllowed);
        dispatcher.RaisePost(Upload("/wanted/d"));

        // The queue is first in, first out: had /other/b been queued, it would have been delivered before /wanted/d.
        Assert.Equal("/wanted/d", (await picky.NextPostAsync()).Path);
        lock (calls)
        {
            Assert.Equal(["picky:pre:/wanted/c", "picky:post:/wanted/d"], calls);
        }
    }
}
