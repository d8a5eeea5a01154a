using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SftpKit.Events;

namespace SftpKit.Tests.Events;

internal static class EventTestSupport
{
    /// <summary>Upper bound for waiting on background work; reaching it fails the test, it is no speed claim.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static SftpEventDispatcher Dispatcher(Action<SftpEventOptions>? configure, ILoggerFactory? loggerFactory, params ISftpEventHandler[] handlers)
    {
        var options = new SftpEventOptions();
        configure?.Invoke(options);
        return new SftpEventDispatcher(handlers, Options.Create(options), loggerFactory ?? NullLoggerFactory.Instance);
    }

    public static SftpEvent Upload(string path = "/in/report.csv") => new()
    {
        Kind = SftpEventKind.Upload,
        Protocol = SftpEventProtocol.Sftp,
        UserName = "alice",
        Path = path,
        Size = 1234,
        Elapsed = TimeSpan.FromMilliseconds(1500),
        RemoteAddress = "127.0.0.1:50022",
        ConnectionId = "c-1",
        SessionId = "0",
    };
}

/// <summary>Records every call and answers pre-events with a fixed decision.</summary>
internal sealed class RecordingHandler(string name, List<string> calls, SftpEventDecision? decision = null) : ISftpEventHandler
{
    private readonly Channel<SftpEvent> _posts = Channel.CreateUnbounded<SftpEvent>();

    public ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        lock (calls)
        {
            calls.Add($"{name}:pre:{sftpEvent.Path}");
        }
        return ValueTask.FromResult(decision ?? SftpEventDecision.Allow);
    }

    public ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        lock (calls)
        {
            calls.Add($"{name}:post:{sftpEvent.Path}");
        }
        _posts.Writer.TryWrite(sftpEvent);
        return ValueTask.CompletedTask;
    }

    public async Task<SftpEvent> NextPostAsync() => await _posts.Reader.ReadAsync().AsTask().WaitAsync(EventTestSupport.Patience);
}

/// <summary>An <see cref="ILoggerProvider"/> that keeps every record with its structured properties.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Records { get; } = new();

    /// <summary>Called on the logging thread for each record, after it is kept.</summary>
    public Action<CapturedLog>? OnRecord { get; set; }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, this);

    public void Dispose()
    {
    }

    public async Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> match)
    {
        using var timeout = new CancellationTokenSource(EventTestSupport.Patience);
        while (true)
        {
            var found = Records.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(20, timeout.Token);
        }
    }

    private sealed class CapturingLogger(string category, CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var record = new CapturedLog(category, logLevel, eventId, formatter(state, exception),
                properties.ToDictionary(p => p.Key, p => p.Value), exception);
            owner.Records.Enqueue(record);
            owner.OnRecord?.Invoke(record);
        }
    }
}

internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message,
    Dictionary<string, object?> Properties, Exception? Exception);
