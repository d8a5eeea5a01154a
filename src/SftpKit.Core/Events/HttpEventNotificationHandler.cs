using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace SftpKit.Events;

/// <summary>POSTs events as JSON to a URL; for pre-events a non-2xx answer denies.</summary>
internal sealed class HttpEventNotificationHandler : ISftpEventHandler, IEventPhaseFilter
{
    private static readonly SocketsHttpHandler s_sharedHandler = new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
        UseCookies = false,
    };

    // One client for every notification without a factory: HttpClient is thread-safe and meant to be shared.
    private static readonly HttpClient s_defaultClient = new(s_sharedHandler, disposeHandler: false)
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private readonly HttpEventNotificationOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public HttpEventNotificationHandler(HttpEventNotificationOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _options = options;
        _services = services;
        _logger = loggerFactory.CreateLogger(EventsLog.CategoryName);
    }

    public bool HandlesPreEvents => _options.PreEvents;

    public bool HandlesPostEvents => _options.PostEvents;

    public async ValueTask<SftpEventDecision> OnPreEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (!_options.Handles(sftpEvent.Kind, pre: true))
        {
            return SftpEventDecision.Allow;
        }
        int status = await PostAsync(sftpEvent, pre: true, cancellationToken);
        return status is >= 200 and < 300
            ? SftpEventDecision.Allow
            : SftpEventDecision.Deny($"HTTP notification answered {status}");
    }

    public async ValueTask OnPostEventAsync(SftpEvent sftpEvent, CancellationToken cancellationToken)
    {
        if (!_options.Handles(sftpEvent.Kind, pre: false))
        {
            return;
        }
        int status = await PostAsync(sftpEvent, pre: false, cancellationToken);
        if (status is < 200 or >= 300)
        {
            throw new HttpRequestException($"HTTP notification answered {status}");
        }
    }

    private async Task<int> PostAsync(SftpEvent sftpEvent, bool pre, CancellationToken cancellationToken)
    {
        var client = _options.HttpClientFactory?.Invoke(_services) ?? s_defaultClient;
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
        {
            Content = new ByteArrayContent(SftpEventJson.Serialize(sftpEvent, pre)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            // Headers only: the answer's body is never read, so a large or endless body costs nothing.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            int status = (int)response.StatusCode;
            EventsLog.HttpNotificationAnswered(_logger, sftpEvent.Kind, status);
            return status;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"HTTP notification got no answer within {_options.Timeout.TotalMilliseconds:0} ms.");
        }
    }
}
